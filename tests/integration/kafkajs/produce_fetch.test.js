'use strict'
// kafkajs producer in every codec and acks setting; records read back with
// kafkajs's own Fetch/ListOffsets decoding: offsets, timestamps, keys, values,
// headers, LogAppendTime, start positions, watermarks and long polling.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { Broker, sleep } = require('./broker')
const h = require('./helpers')

const LIMIT = { timeout: 120000 } // every test is bounded
const { storedCodecs } = require('./rawwire')

let broker
let cluster

before(async () => {
  broker = new Broker('produce')
  await broker.start()
  cluster = await h.openCluster(broker.bootstrap)
})

after(async () => {
  if (cluster) await cluster.disconnect()
  if (broker) await broker.cleanup()
})

for (const codec of Object.keys(h.CODECS)) {
  for (const acks of Object.keys(h.ACKS)) {
    test(`round trip codec=${codec} acks=${acks}`, LIMIT, async () => {
      const topic = h.uniqueTopic(`${codec}-acks${acks}`)
      const recs = h.makeRecords(30, `${codec}${acks}`)
      const meta = await h.produce(broker.bootstrap, topic, recs, { codec, acks })
      if (acks !== '0') {
        assert.equal(meta.length, 1)
        assert.equal(meta[0].errorCode, 0)
        assert.equal(meta[0].baseOffset, '0')
      }
      const leader = await h.leaderFor(cluster, topic, 0)
      const got = await h.fetchMessages(leader, topic, 0, 0, recs.length)
      h.assertSameRecords(recs, got)
      const codecs = await storedCodecs(broker.bootstrap, topic, 0)
      assert.ok(codecs.length > 0 && codecs.every(c => c === codec), `stored batch codecs ${codecs}`)
    })
  }
}

test('LogAppendTime topic gets broker timestamps', LIMIT, async () => {
  const topic = h.uniqueTopic('lat')
  const admin = h.kafka(broker.bootstrap).admin()
  await admin.connect()
  try {
    await admin.createTopics({
      topics: [{ topic, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }],
    })
  } finally {
    await admin.disconnect()
  }
  const recs = h.makeRecords(6, 'lat', 1000000000000)
  const t0 = Date.now()
  const meta = await h.produce(broker.bootstrap, topic, recs, { codec: 'zstd' })
  const t1 = Date.now()
  const appended = Number(meta[0].logAppendTime)
  assert.ok(appended >= t0 - 2000 && appended <= t1 + 2000, `produce answer logAppendTime ${meta[0].logAppendTime}`)
  const got = await h.fetchMessages(await h.leaderFor(cluster, topic, 0), topic, 0, 0, recs.length)
  h.assertSameRecords(recs, got, 0, { checkTs: false })
  for (const m of got) {
    assert.equal(m.batchContext.timestampType, h.LOG_APPEND_TIME, `offset ${m.offset}: timestamp type`)
    assert.equal(Number(m.timestamp), appended, `offset ${m.offset}: timestamp ${m.timestamp}`)
  }
})

test('start positions, ListOffsets by time and watermarks', LIMIT, async () => {
  const topic = h.uniqueTopic('pos')
  const recs = h.makeRecords(20, 'pos', Date.now() - 100000)
  await h.produce(broker.bootstrap, topic, recs)
  const leader = await h.leaderFor(cluster, topic, 0)
  h.assertSameRecords(recs.slice(8), await h.fetchMessages(leader, topic, 0, 8, 12), 8)
  assert.equal(await h.listOffset(leader, topic, 0, -2), '0')
  assert.equal(await h.listOffset(leader, topic, 0, -1), '20')
  assert.equal(await h.listOffset(leader, topic, 0, recs[11].timestamp), '11')
  assert.equal(await h.listOffset(leader, topic, 0, Number(recs[11].timestamp) + 1), '12')
  assert.equal(await h.listOffset(leader, topic, 0, Number(recs[19].timestamp) + 1000), '-1')

  const admin = h.kafka(broker.bootstrap).admin()
  await admin.connect()
  try {
    const [wm] = await admin.fetchTopicOffsets(topic)
    assert.deepEqual([wm.partition, wm.low, wm.high], [0, '0', '20'])
    const [byTs] = await admin.fetchTopicOffsetsByTimestamp(topic, Number(recs[5].timestamp))
    assert.equal(byTs.offset, '5')
  } finally {
    await admin.disconnect()
  }
})

test('idle fetch waits about maxWaitTime; a parked fetch wakes on new data', LIMIT, async () => {
  const topic = h.uniqueTopic('tail')
  await h.produce(broker.bootstrap, topic, h.makeRecords(2, 'old'))
  const leader = await h.leaderFor(cluster, topic, 0)

  let t0 = Date.now()
  const idle = await h.fetchOnce(leader, topic, 0, 2, { maxWaitTime: 1000 })
  const idleMs = Date.now() - t0
  console.log(`[timing] idle fetch maxWaitTime=1000 returned after ${idleMs} ms`)
  assert.equal(idle.messages.length, 0)
  assert.equal(idle.highWatermark, '2')
  assert.ok(idleMs >= 300, `idle fetch returned after ${idleMs} ms: no long polling`)
  assert.ok(idleMs <= 6000, `idle fetch took ${idleMs} ms`)

  const late = h.makeRecords(1, 'late')
  t0 = Date.now()
  let ackedAt = null
  const producing = sleep(500)
    .then(() => h.produce(broker.bootstrap, topic, late))
    .then(() => {
      ackedAt = Date.now()
    })
  const parked = await h.fetchOnce(leader, topic, 0, 2, { maxWaitTime: 8000 })
  const doneAt = Date.now()
  await producing
  console.log(`[timing] parked fetch returned ${doneAt - t0} ms after it was sent (${doneAt - ackedAt} ms after the ack)`)
  assert.ok(doneAt - t0 < 6000, 'parked fetch did not wake up when a record arrived')
  h.assertSameRecords(late, parked.messages.filter(m => m.offset === '2'), 2)
})
