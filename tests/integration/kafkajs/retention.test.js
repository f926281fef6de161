'use strict'
// DeleteRecords through kafkajs's admin client: session.admin.deleteTopicRecords moves the
// low watermark, session.admin.fetchTopicOffsets shows it, a group consumer reading from
// the beginning starts there, and an offset past the high watermark is refused.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { adminSession, sleep } = require('./broker')
const h = require('./helpers')

const LIMIT = { timeout: 120000 } // every test is bounded

const session = adminSession('retention')

async function lowHigh(topic) {
  const [p] = await session.admin.fetchTopicOffsets(topic)
  return [p.low, p.high]
}

test('deleteTopicRecords moves the low watermark; consumers from the beginning start there', LIMIT, async () => {
  const topic = h.uniqueTopic('delrec')
  assert.equal(await session.admin.createTopics({ topics: [{ topic, numPartitions: 1 }] }), true)
  const recs = h.makeRecords(20, 'dr')
  const meta = await h.produce(session.broker.bootstrap, topic, recs)
  assert.equal(meta[0].errorCode, 0)
  assert.deepEqual(await lowHigh(topic), ['0', '20'])

  await session.admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '12' }] })
  assert.deepEqual(await lowHigh(topic), ['12', '20'])

  const consumer = h.kafka(session.broker.bootstrap).consumer({ groupId: h.uniqueTopic('delrec-group'), heartbeatInterval: 500 })
  const seen = []
  await consumer.connect()
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({ offset: message.offset, value: message.value.toString() })
      },
    })
    const deadline = Date.now() + 60000
    while (seen.length < 8 && Date.now() < deadline) await sleep(100)
  } finally {
    await consumer.disconnect()
  }
  assert.deepEqual(
    seen.map(m => m.offset),
    Array.from({ length: 8 }, (_, i) => String(12 + i))
  )
  assert.deepEqual(
    seen.map(m => m.value),
    recs.slice(12).map(r => r.value)
  )

  // -1 deletes up to the high watermark.
  await session.admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '-1' }] })
  assert.deepEqual(await lowHigh(topic), ['20', '20'])
})

test('an offset past the high watermark is OFFSET_OUT_OF_RANGE and changes nothing', LIMIT, async () => {
  const topic = h.uniqueTopic('delrec-range')
  assert.equal(await session.admin.createTopics({ topics: [{ topic, numPartitions: 1 }] }), true)
  await h.produce(session.broker.bootstrap, topic, h.makeRecords(5, 'r'))
  // Also loads the topic's metadata into the admin client (deleteTopicRecords needs the leader).
  assert.deepEqual(await lowHigh(topic), ['0', '5'])
  let error
  try {
    await session.admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '6' }] })
  } catch (e) {
    error = e
  }
  assert.ok(error, 'deleteTopicRecords beyond the high watermark succeeded')
  // kafkajs wraps the broker's answer in a non-retriable error once it gives up.
  const root = error.partitions ? error : error.cause || error
  const types = (root.partitions || []).map(p => p.error && p.error.type)
  assert.deepEqual(types, ['OFFSET_OUT_OF_RANGE'], `${error.name}: ${error.message}`)
  assert.deepEqual(await lowHigh(topic), ['0', '5'])
})
