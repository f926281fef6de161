'use strict'
// Topics admin through kafkajs's admin client.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { adminSession, sleep } = require('./broker')
const h = require('./helpers')

const LIMIT = { timeout: 120000 } // every test is bounded

const session = adminSession('admin')

// Runs fn and returns the Kafka error types kafkajs reports: aggregate errors are
// flattened and a retry wrapper is replaced by the error that caused it.
async function errorTypes(fn) {
  try {
    await fn()
  } catch (e) {
    const root = e.name === 'KafkaJSNumberOfRetriesExceeded' && e.cause ? e.cause : e
    const errors = root.errors || [root]
    return errors.map(x => x.type || x.name)
  }
  return []
}

async function waitFor(pred, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await pred()) return
    await sleep(200)
  }
  assert.fail(`timed out waiting for ${what}`)
}

test('create with partitions and configs, list, describe, delete', LIMIT, async () => {
  const topic = h.uniqueTopic('admin')
  const created = await session.admin.createTopics({
    topics: [{ topic, numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '3600000' }] }],
  })
  assert.equal(created, true)
  assert.ok((await session.admin.listTopics()).includes(topic))
  const md = await session.admin.fetchTopicMetadata({ topics: [topic] })
  const parts = md.topics[0].partitions.map(p => p.partitionId).sort()
  assert.deepEqual(parts, [0, 1, 2])
  for (const p of md.topics[0].partitions) {
    assert.equal(p.partitionErrorCode, 0)
    assert.deepEqual(p.replicas, [p.leader])
    assert.deepEqual(p.isr, [p.leader])
  }
  await session.admin.deleteTopics({ topics: [topic], timeout: 15000 })
  await waitFor(async () => !(await session.admin.listTopics()).includes(topic), 'topic gone after delete')
})

test('validateOnly creates nothing; duplicates are reported', LIMIT, async () => {
  const topic = h.uniqueTopic('admin-dup')
  assert.equal(await session.admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic, numPartitions: 2 }] }), true)
  assert.ok(!(await session.admin.listTopics()).includes(topic), 'validateOnly created the topic')
  assert.equal(await session.admin.createTopics({ topics: [{ topic }] }), true)
  // kafkajs turns an all-TOPIC_ALREADY_EXISTS answer into `false`.
  assert.equal(await session.admin.createTopics({ topics: [{ topic }] }), false)
})

test('invalid names, partitions, replication factor and configs get Kafka errors', LIMIT, async () => {
  const cases = [
    [{ topic: 'bad name' }, 'INVALID_TOPIC_EXCEPTION'],
    [{ topic: '..' }, 'INVALID_TOPIC_EXCEPTION'],
    [{ topic: 'x'.repeat(250) }, 'INVALID_TOPIC_EXCEPTION'],
    [{ topic: h.uniqueTopic('p0'), numPartitions: 0 }, 'INVALID_PARTITIONS'],
    [{ topic: h.uniqueTopic('rf'), replicationFactor: 3 }, 'INVALID_REPLICATION_FACTOR'],
    [{ topic: h.uniqueTopic('cfg'), configEntries: [{ name: 'cleanup.policy', value: 'never' }] }, 'INVALID_CONFIG'],
  ]
  for (const [spec, want] of cases) {
    const types = await errorTypes(() => session.admin.createTopics({ topics: [spec] }))
    assert.deepEqual(types, [want], `${spec.topic.slice(0, 30)}: ${types}`)
  }
})

test('create partitions', LIMIT, async () => {
  const topic = h.uniqueTopic('admin-parts')
  await session.admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
  await session.admin.createPartitions({ validateOnly: true, topicPartitions: [{ topic, count: 3 }] })
  let md = await session.admin.fetchTopicMetadata({ topics: [topic] })
  assert.equal(md.topics[0].partitions.length, 1, 'validateOnly added partitions')
  await session.admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] })
  await waitFor(async () => {
    md = await session.admin.fetchTopicMetadata({ topics: [topic] })
    return md.topics[0].partitions.length === 3
  }, '3 partitions')
  const types = await errorTypes(() => session.admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] }))
  assert.deepEqual(types, ['INVALID_PARTITIONS'])
  const meta = await h.produce(session.broker.bootstrap, topic, h.makeRecords(2, 'p2'), { partition: 2 })
  assert.equal(meta[0].partition, 2)
  assert.equal(meta[0].baseOffset, '0')
})

test('auto-creation on produce', LIMIT, async () => {
  const topic = h.uniqueTopic('auto')
  const meta = await h.produce(session.broker.bootstrap, topic, h.makeRecords(3, 'auto'))
  assert.equal(meta[0].errorCode, 0)
  assert.equal(meta[0].baseOffset, '0')
  assert.ok((await session.admin.listTopics()).includes(topic))
})

test('deleting an unknown topic fails with UNKNOWN_TOPIC_OR_PARTITION', LIMIT, async () => {
  const types = await errorTypes(() => session.admin.deleteTopics({ topics: [h.uniqueTopic('nope')], timeout: 5000 }))
  assert.deepEqual(types, ['UNKNOWN_TOPIC_OR_PARTITION'])
})
