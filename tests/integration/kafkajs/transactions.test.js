'use strict'
// Idempotent and transactional producers with kafkajs: an idempotent producer's records land
// once each, in order; committed transactions are read by a READ_COMMITTED consumer (kafkajs's
// default) and aborted ones only by a READ_UNCOMMITTED one; offsets sent in a transaction
// become the group's committed offsets when it commits, and never when it aborts.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { Broker, sleep } = require('./broker')
const h = require('./helpers')

const LIMIT = { timeout: 120000 } // every test is bounded

let broker
let admin

before(async () => {
  broker = new Broker('transactions')
  await broker.start()
  admin = h.kafka(broker.bootstrap).admin()
  await admin.connect()
})

after(async () => {
  if (admin) await admin.disconnect()
  if (broker) await broker.cleanup()
})

async function waitFor(pred, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await pred()) return
    await sleep(100)
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

async function createTopic(prefix, numPartitions) {
  const topic = h.uniqueTopic(prefix)
  assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions }] }), true)
  return topic
}

// Values per partition as a group consumer with the given isolation reads them: waits for
// `expected` records, then a second more for anything that should not be there.
async function readAll(topic, { readUncommitted, expected }) {
  const consumer = h.kafka(broker.bootstrap).consumer({
    groupId: h.uniqueTopic('txn-reader'),
    readUncommitted,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10000,
    heartbeatInterval: 500,
  })
  const byPartition = {}
  let n = 0
  await consumer.connect()
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        ;(byPartition[partition] = byPartition[partition] || []).push(message.value.toString())
        n++
      },
    })
    await waitFor(() => n >= expected, `${expected} records (${readUncommitted ? 'read_uncommitted' : 'read_committed'}), got ${n}`)
    await sleep(1000)
  } finally {
    await consumer.disconnect()
  }
  return byPartition
}

test('idempotent producer: every record once, in order', LIMIT, async () => {
  const topic = await createTopic('js-idem', 2)
  const producer = h.kafka(broker.bootstrap).producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  const expected = { 0: [], 1: [] }
  try {
    for (let round = 0; round < 3; round++) {
      const messages = Array.from({ length: 40 }, (_, i) => ({ value: `idem-${round}-${i}`, partition: i % 2 }))
      for (const m of messages) expected[m.partition].push(m.value)
      const meta = await producer.send({ topic, acks: -1, messages })
      for (const r of meta) {
        assert.equal(r.errorCode, 0)
        assert.equal(r.baseOffset, String(round * 20), `round ${round} partition ${r.partition}: base offset`)
      }
    }
  } finally {
    await producer.disconnect()
  }
  const cluster = await h.openCluster(broker.bootstrap)
  try {
    for (const p of [0, 1]) {
      const leader = await h.leaderFor(cluster, topic, p)
      const got = await h.fetchMessages(leader, topic, p, 0, expected[p].length)
      assert.deepEqual(got.map(m => m.value.toString()), expected[p], `partition ${p}`)
      assert.deepEqual(got.map(m => Number(m.offset)), expected[p].map((_, i) => i), `partition ${p}: offsets`)
    }
  } finally {
    await cluster.disconnect()
  }
})

test('transactions: commit and abort, READ_COMMITTED and READ_UNCOMMITTED consumers', LIMIT, async () => {
  const topic = await createTopic('js-txn', 2)
  const producer = h.kafka(broker.bootstrap).producer({
    transactionalId: h.uniqueTopic('js-tid'),
    idempotent: true,
    maxInFlightRequests: 1,
  })
  await producer.connect()
  const committed = { 0: [], 1: [] }
  const all = { 0: [], 1: [] }
  try {
    for (const [tag, commit] of [['c1', true], ['a1', false], ['c2', true], ['a2', false], ['c3', true]]) {
      const txn = await producer.transaction()
      const messages = Array.from({ length: 6 }, (_, i) => ({ value: `${tag}-${i}`, partition: i % 2 }))
      await txn.send({ topic, messages })
      for (const m of messages) {
        all[m.partition].push(m.value)
        if (commit) committed[m.partition].push(m.value)
      }
      if (commit) await txn.commit()
      else await txn.abort()
    }
  } finally {
    await producer.disconnect()
  }
  assert.deepEqual(await readAll(topic, { readUncommitted: false, expected: 18 }), committed, 'READ_COMMITTED')
  assert.deepEqual(await readAll(topic, { readUncommitted: true, expected: 30 }), all, 'READ_UNCOMMITTED')
})

test('sendOffsets: the group offsets follow the transaction outcome', LIMIT, async () => {
  const input = await createTopic('js-off-in', 2)
  const output = await createTopic('js-off-out', 1)
  const groupId = h.uniqueTopic('js-off-group')
  const producer = h.kafka(broker.bootstrap).producer({
    transactionalId: h.uniqueTopic('js-off-tid'),
    idempotent: true,
    maxInFlightRequests: 1,
  })
  const offsets = async () => {
    const [res] = await admin.fetchOffsets({ groupId, topics: [input] })
    return Object.fromEntries(res.partitions.map(p => [p.partition, Number(p.offset)]))
  }
  await producer.connect()
  try {
    const txn = await producer.transaction()
    await txn.send({ topic: output, messages: [{ value: 'out-1' }] })
    await txn.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic: input, partitions: [{ partition: 0, offset: '5' }, { partition: 1, offset: '2' }] }],
    })
    assert.deepEqual(await offsets(), { 0: -1, 1: -1 }, 'offsets of an open transaction are visible')
    await txn.commit()
    // EndTxn answers once the commit is decided; the markers that make the offsets visible follow.
    await waitFor(async () => JSON.stringify(await offsets()) === JSON.stringify({ 0: 5, 1: 2 }), 'offsets after the commit', 10000)

    const txn2 = await producer.transaction()
    await txn2.send({ topic: output, messages: [{ value: 'out-2' }] })
    await txn2.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic: input, partitions: [{ partition: 0, offset: '9' }] }],
    })
    await txn2.abort()
    assert.deepEqual(await offsets(), { 0: 5, 1: 2 }, 'offsets after the abort')
  } finally {
    await producer.disconnect()
  }
  assert.deepEqual(await readAll(output, { readUncommitted: false, expected: 1 }), { 0: ['out-1'] })
})
