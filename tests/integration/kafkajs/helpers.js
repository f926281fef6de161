'use strict'
// Shared helpers for the kafkajs tests: record sets, producing with kafkajs's
// producer, and reading back through kafkajs's own protocol stack (Cluster ->
// Broker.fetch / Broker.listOffsets), because kafkajs consumers need consumer
// groups, which the broker does not offer yet. kafkajs's real decoder (record
// batches, codecs, headers) still reads every byte the broker sends.

const assert = require('node:assert/strict')
const { Kafka, logLevel, CompressionTypes } = require('kafkajs')
const Cluster = require('kafkajs/src/cluster')
const { createLogger, LEVELS } = require('kafkajs/src/loggers')
const LoggerConsole = require('kafkajs/src/loggers/console')
const defaultSocketFactory = require('kafkajs/src/network/socketFactory')
const { registerCodecs } = require('./codecs')

const CODECS = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
}
const ACKS = { 0: 0, 1: 1, all: -1 }
const CREATE_TIME = 0
const LOG_APPEND_TIME = 1

let counter = 0
const uniqueTopic = prefix => `it-js-${prefix}-${process.pid}-${Date.now() % 1e8}-${counter++}`

function kafka(bootstrap) {
  return new Kafka({
    clientId: 'kafkajs-it',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING, // expected errors are asserted, not logged
    connectionTimeout: 5000,
    requestTimeout: 30000,
    retry: { retries: 3, initialRetryTime: 200 },
  })
}

// Headers carry a repeated name (kafkajs sends array values as repeated headers).
function makeRecords(n, tag, baseTs = Date.now() - 60000) {
  return Array.from({ length: n }, (_, i) => ({
    key: `${tag}-key-${i % 5}`,
    value: `${tag}-value-${String(i).padStart(5, '0')}-` + 'abcdefgh'.repeat(8),
    headers: { 'h-index': [String(i), 'dup'], 'h-tag': tag },
    timestamp: String(baseTs + 10 * i),
  }))
}

async function produce(bootstrap, topic, records, { codec = 'none', acks = 'all', partition = 0 } = {}) {
  await registerCodecs()
  const producer = kafka(bootstrap).producer({ allowAutoTopicCreation: true })
  await producer.connect()
  try {
    return await producer.send({
      topic,
      acks: ACKS[acks],
      compression: CODECS[codec],
      messages: records.map(r => ({ ...r, partition })),
    })
  } finally {
    await producer.disconnect()
  }
}

async function openCluster(bootstrap) {
  await registerCodecs()
  const cluster = new Cluster({
    logger: createLogger({ level: LEVELS.ERROR, logCreator: LoggerConsole }),
    socketFactory: defaultSocketFactory(),
    brokers: [bootstrap],
    clientId: 'kafkajs-it-lowlevel',
    connectionTimeout: 5000,
    requestTimeout: 30000,
    enforceRequestTimeout: true,
    retry: { retries: 3, initialRetryTime: 200 },
    allowAutoTopicCreation: false,
    metadataMaxAge: 300000,
  })
  await cluster.connect()
  return cluster
}

async function leaderFor(cluster, topic, partition) {
  await cluster.addTargetTopic(topic)
  await cluster.refreshMetadata()
  const perLeader = cluster.findLeaderForPartitions(topic, [partition])
  const nodeIds = Object.keys(perLeader)
  assert.equal(nodeIds.length, 1, `no leader for ${topic}/${partition}`)
  return cluster.findBroker({ nodeId: nodeIds[0] })
}

async function fetchOnce(broker, topic, partition, fetchOffset, { maxWaitTime = 100, minBytes = 1 } = {}) {
  const res = await broker.fetch({
    replicaId: -1,
    isolationLevel: 0,
    maxWaitTime,
    minBytes,
    maxBytes: 10 << 20,
    topics: [{ topic, partitions: [{ partition, fetchOffset: String(fetchOffset), maxBytes: 4 << 20 }] }],
  })
  const p = res.responses[0].partitions[0]
  assert.equal(p.errorCode, 0, `fetch error ${p.errorCode}`)
  return p
}

// Reads `count` messages from `offset` with repeated fetches, within timeoutMs.
async function fetchMessages(broker, topic, partition, offset, count, timeoutMs = 20000) {
  const out = []
  const deadline = Date.now() + timeoutMs
  let next = BigInt(offset)
  while (out.length < count && Date.now() < deadline) {
    const p = await fetchOnce(broker, topic, partition, next)
    for (const m of p.messages) {
      if (BigInt(m.offset) < next) continue // a batch may start before the requested offset
      out.push(m)
      next = BigInt(m.offset) + 1n
    }
  }
  assert.ok(out.length >= count, `fetched ${out.length} of ${count} messages within ${timeoutMs} ms`)
  return out.slice(0, count)
}

const headerStrings = headers =>
  Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.map(x => x.toString()) : v.toString()])
  )

// Compares fetched kafkajs messages with produced records, field by field.
function assertSameRecords(expected, got, firstOffset = 0, { checkTs = true } = {}) {
  assert.equal(got.length, expected.length, 'record count')
  got.forEach((m, i) => {
    const e = expected[i]
    const where = `record #${i} (offset ${m.offset})`
    assert.equal(m.offset, String(firstOffset + i), `${where}: offset`)
    assert.equal(m.key && m.key.toString(), e.key, `${where}: key`)
    assert.equal(m.value && m.value.toString(), e.value, `${where}: value`)
    assert.deepEqual(headerStrings(m.headers), e.headers, `${where}: headers`)
    if (checkTs) {
      assert.equal(m.batchContext.timestampType, CREATE_TIME, `${where}: timestamp type`)
      assert.equal(m.timestamp, e.timestamp, `${where}: timestamp`)
    }
  })
}

async function listOffset(broker, topic, partition, timestamp) {
  const res = await broker.listOffsets({
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ topic, partitions: [{ partition, timestamp: String(timestamp) }] }],
  })
  const p = res.responses[0].partitions[0]
  assert.equal(p.errorCode, 0, `ListOffsets error ${p.errorCode}`)
  return p.offset
}

module.exports = {
  CODECS,
  ACKS,
  CREATE_TIME,
  LOG_APPEND_TIME,
  uniqueTopic,
  kafka,
  makeRecords,
  produce,
  openCluster,
  leaderFor,
  fetchOnce,
  fetchMessages,
  assertSameRecords,
  listOffset,
}
