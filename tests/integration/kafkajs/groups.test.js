'use strict'
// Consumer groups with kafkajs's consumer and admin: three consumers share six
// partitions with eachMessage, the group rebalances when one disconnects, commits
// carry over to the next consumer of the group, and the admin client lists,
// describes, reads, sets, resets and deletes group offsets and groups.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { AssignerProtocol } = require('kafkajs')
const { Broker, sleep } = require('./broker')
const h = require('./helpers')

const LIMIT = { timeout: 180000 } // every test is bounded
const PARTITIONS = 6

let broker
let admin
const running = new Set()

before(async () => {
  broker = new Broker('groups')
  await broker.start()
  admin = h.kafka(broker.bootstrap).admin()
  await admin.connect()
})

after(async () => {
  for (const c of running) await c.disconnect().catch(() => {})
  if (admin) await admin.disconnect()
  if (broker) await broker.cleanup()
})

async function waitFor(pred, what, timeoutMs = 45000) {
  const deadline = Date.now() + timeoutMs
  let last
  while (Date.now() < deadline) {
    last = await pred()
    if (last) return last
    await sleep(100)
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

async function sixPartitionTopic(prefix) {
  const topic = h.uniqueTopic(prefix)
  assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] }), true)
  return topic
}

// Produces n records to every partition; returns Map "p/o" -> value.
async function produceSpread(topic, n, tag) {
  const out = new Map()
  const producer = h.kafka(broker.bootstrap).producer()
  await producer.connect()
  try {
    for (let p = 0; p < PARTITIONS; p++) {
      const values = Array.from({ length: n }, (_, i) => `${tag}-p${p}-${i}`)
      const [meta] = await producer.send({ topic, acks: -1, messages: values.map(value => ({ value, partition: p })) })
      assert.equal(meta.errorCode, 0)
      values.forEach((v, i) => out.set(`${p}/${Number(meta.baseOffset) + i}`, v))
    }
  } finally {
    await producer.disconnect()
  }
  return out
}

// A group member that records what it read, what it was assigned and what was committed.
class Member {
  constructor(groupId, topic, name) {
    this.name = name
    this.reads = [] // { t, key, value }
    this.commits = [] // { t, partition, offset }
    this.assignment = null
    this.joins = 0
    this.consumer = h.kafka(broker.bootstrap).consumer({
      groupId,
      sessionTimeout: 10000,
      rebalanceTimeout: 15000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 100,
      retry: { retries: 8, initialRetryTime: 200 },
    })
    this.topic = topic
    const { GROUP_JOIN, COMMIT_OFFSETS } = this.consumer.events
    this.consumer.on(GROUP_JOIN, e => {
      this.joins++
      this.assignment = (e.payload.memberAssignment[topic] || []).slice().sort((a, b) => a - b)
    })
    this.consumer.on(COMMIT_OFFSETS, e => {
      const t = Date.now()
      for (const tp of e.payload.topics)
        for (const p of tp.partitions) this.commits.push({ t, partition: Number(p.partition), offset: Number(p.offset) })
    })
  }

  async start() {
    await this.consumer.connect()
    running.add(this.consumer)
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true })
    await this.consumer.run({
      eachMessage: async ({ partition, message }) => {
        this.reads.push({ t: Date.now(), key: `${partition}/${message.offset}`, value: message.value.toString() })
      },
    })
    return this
  }

  async stop() {
    await this.consumer.disconnect()
    running.delete(this.consumer)
  }
}

function balanced(members) {
  const sets = members.map(m => m.assignment)
  if (sets.some(s => s === null)) return false
  const all = sets.flat().sort((a, b) => a - b)
  if (all.join() !== [...Array(PARTITIONS).keys()].join()) return false
  const lo = Math.floor(PARTITIONS / members.length)
  const hi = Math.ceil(PARTITIONS / members.length)
  return sets.every(s => s.length >= lo && s.length <= hi)
}

const describe = members =>
  members.map(m => `${m.name}: assignment ${m.assignment} joins ${m.joins} reads ${m.reads.length}`).join('\n')

async function waitRead(members, produced, timeoutMs = 45000) {
  await waitFor(() => {
    const seen = new Set(members.flatMap(m => m.reads.map(r => r.key)))
    return [...produced.keys()].every(k => seen.has(k))
  }, `${produced.size} records read\n${describe(members)}`, timeoutMs)
}

// Nothing lost, values as produced, nothing read again after its commit was confirmed.
function checkReads(members, produced) {
  const byKey = new Map()
  for (const m of members) for (const r of m.reads) {
    if (!byKey.has(r.key)) byKey.set(r.key, [])
    byKey.get(r.key).push({ ...r, m })
  }
  assert.deepEqual([...byKey.keys()].sort(), [...produced.keys()].sort(), 'records read vs produced')
  for (const [key, rs] of byKey) {
    rs.sort((a, b) => a.t - b.t)
    for (const r of rs) assert.equal(r.value, produced.get(key), `${key}: value`)
    const [p, o] = key.split('/').map(Number)
    for (let i = 0; i + 1 < rs.length; i++) {
      const covered = rs[i].m.commits.find(c => c.partition === p && c.offset > o && c.t <= rs[i + 1].t)
      assert.ok(!covered, `${key} read by ${rs[i + 1].m.name} after ${rs[i].m.name} committed ${covered && covered.offset}`)
    }
  }
}

async function committedOffsets(groupId, topic) {
  const [res] = await admin.fetchOffsets({ groupId, topics: [topic] })
  return Object.fromEntries(res.partitions.map(p => [p.partition, Number(p.offset)]))
}

const everyPartition = offset => Object.fromEntries([...Array(PARTITIONS).keys()].map(p => [p, offset]))

test('three consumers share six partitions, rebalance when one disconnects, and commits carry over', LIMIT, async () => {
  const topic = await sixPartitionTopic('grp')
  const groupId = h.uniqueTopic('grp')
  const members = ['j1', 'j2', 'j3'].map(n => new Member(groupId, topic, n))
  for (const m of members) await m.start()
  await waitFor(() => balanced(members) && members.every(m => m.assignment.length === 2), `balanced group\n${describe(members)}`)
  const produced = await produceSpread(topic, 10, 'a')
  await waitRead(members, produced)

  const gone = members.pop()
  await gone.stop()
  await waitFor(() => balanced(members), `two members taking over\n${describe(members)}`)
  for (const [k, v] of await produceSpread(topic, 5, 'b')) produced.set(k, v)
  await waitRead([...members, gone], produced) // the 'a' records gone read count too
  await waitFor(async () => {
    const c = await committedOffsets(groupId, topic)
    return JSON.stringify(c) === JSON.stringify(everyPartition(15))
  }, 'commits at the end of every partition', 20000)
  for (const m of members) await m.stop()
  checkReads([...members, gone], produced)

  // The next consumer of the group starts after the committed offsets.
  const more = await produceSpread(topic, 2, 'c')
  const next = await new Member(groupId, topic, 'j4').start()
  await waitRead([next], more)
  await sleep(500)
  await next.stop()
  assert.deepEqual(next.reads.map(r => r.key).sort(), [...more.keys()].sort(), 'the new member read records before the committed offsets')
})

test('admin: listGroups, describeGroups, fetchOffsets, setOffsets, resetOffsets, deleteGroups', LIMIT, async () => {
  const topic = await sixPartitionTopic('grp-admin')
  const groupId = h.uniqueTopic('grp-admin')
  const produced = await produceSpread(topic, 4, 'a')
  const members = ['a1', 'a2'].map(n => new Member(groupId, topic, n))
  for (const m of members) await m.start()
  await waitFor(() => balanced(members), `balanced group\n${describe(members)}`)
  await waitRead(members, produced)

  const { groups } = await admin.listGroups()
  assert.ok(groups.some(g => g.groupId === groupId && g.protocolType === 'consumer'), 'listGroups lacks the group')

  const desc = await admin.describeGroups([groupId])
  const [g] = desc.groups
  assert.equal(g.errorCode, 0)
  assert.equal(g.state, 'Stable')
  assert.equal(g.protocolType, 'consumer')
  assert.equal(g.protocol, 'RoundRobinAssigner')
  assert.equal(g.members.length, 2)
  const fromBroker = g.members.map(m => {
    assert.equal(m.clientId, 'kafkajs-it')
    assert.equal(m.clientHost, '/127.0.0.1')
    const a = AssignerProtocol.MemberAssignment.decode(m.memberAssignment)
    return (a.assignment[topic] || []).slice().sort((x, y) => x - y).join()
  })
  assert.deepEqual(fromBroker.sort(), members.map(m => m.assignment.join()).sort())

  // Deleting a group with members fails with NON_EMPTY_GROUP; an unknown one with GROUP_ID_NOT_FOUND.
  const codeOf = async ids => {
    try {
      await admin.deleteGroups(ids)
      return ['none']
    } catch (e) {
      return (e.groups || []).map(x => x.error && x.error.type)
    }
  }
  assert.deepEqual(await codeOf([groupId]), ['NON_EMPTY_GROUP'])
  assert.deepEqual(await codeOf([h.uniqueTopic('grp-none')]), ['GROUP_ID_NOT_FOUND'])

  await waitFor(async () => JSON.stringify(await committedOffsets(groupId, topic)) === JSON.stringify(everyPartition(4)), 'commits of the live group', 20000)
  for (const m of members) await m.stop()
  const empty = await admin.describeGroups([groupId])
  assert.equal(empty.groups[0].state, 'Empty')
  assert.equal(empty.groups[0].members.length, 0)

  // setOffsets for two partitions; the others stay.
  await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }, { partition: 5, offset: '3' }] })
  assert.deepEqual(await committedOffsets(groupId, topic), { ...everyPartition(4), 0: 1, 5: 3 })
  // fetchOffsets of a group that never committed: -1 for every partition.
  assert.deepEqual(await committedOffsets(h.uniqueTopic('grp-never'), topic), everyPartition(-1))

  // resetOffsets to the earliest: a new member reads the topic again from the start.
  await admin.resetOffsets({ groupId, topic, earliest: true })
  const again = await new Member(groupId, topic, 'a3').start()
  await waitRead([again], produced)
  await sleep(500)
  await again.stop()
  assert.equal(again.reads.length, produced.size, 'after resetOffsets(earliest)')

  await admin.deleteGroups([groupId])
  const after = await admin.listGroups()
  assert.ok(!after.groups.some(x => x.groupId === groupId), 'deleted group still listed')
  assert.deepEqual(await committedOffsets(groupId, topic), everyPartition(-1))
})

test('restart the broker (kill -9): the group resumes from its committed offsets', LIMIT, async t => {
  if (!broker.canRestart) return t.skip('GREGOR_BOOTSTRAP is set')
  const topic = await sixPartitionTopic('grp-rs')
  const groupId = h.uniqueTopic('grp-rs')
  const produced = await produceSpread(topic, 5, 'a')
  const first = await new Member(groupId, topic, 'r1').start()
  await waitRead([first], produced)
  await waitFor(async () => JSON.stringify(await committedOffsets(groupId, topic)) === JSON.stringify(everyPartition(5)), 'commits', 20000)
  await first.stop()
  await admin.disconnect()
  await broker.restart({ clean: false })
  admin = h.kafka(broker.bootstrap).admin()
  await admin.connect()
  await waitFor(async () => {
    try {
      return JSON.stringify(await committedOffsets(groupId, topic)) === JSON.stringify(everyPartition(5))
    } catch (e) {
      return false
    }
  }, 'committed offsets after the restart', 30000)
  const more = await produceSpread(topic, 3, 'b')
  const second = await new Member(groupId, topic, 'r2').start()
  await waitRead([second], more)
  await sleep(500)
  await second.stop()
  assert.deepEqual(second.reads.map(r => r.key).sort(), [...more.keys()].sort(), 'read before the committed offsets')
})
