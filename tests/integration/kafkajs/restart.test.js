'use strict'
// Restart between producing (kafkajs producer) and reading back (kafkajs Fetch):
// SIGTERM and kill -9 keep every acknowledged record, the offsets, and topic configs.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Broker } = require('./broker')
const h = require('./helpers')

const LIMIT = { timeout: 120000 } // every test is bounded

for (const clean of [true, false]) {
  test(`restart (${clean ? 'SIGTERM' : 'kill -9'}) keeps acknowledged records`, LIMIT, async t => {
    const broker = new Broker(clean ? 'restart-term' : 'restart-kill')
    if (!broker.canRestart) {
      t.skip('GREGOR_BOOTSTRAP is set: cannot restart an external broker')
      return
    }
    await broker.start()
    let cluster = null
    try {
      const topic = h.uniqueTopic('restart')
      const lat = h.uniqueTopic('restart-lat')
      const admin = h.kafka(broker.bootstrap).admin()
      await admin.connect()
      await admin.createTopics({
        topics: [
          { topic, numPartitions: 2 },
          { topic: lat, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] },
        ],
      })
      await admin.disconnect()
      const recs = h.makeRecords(40, 'restart')
      const meta = await h.produce(broker.bootstrap, topic, recs, { codec: 'gzip', partition: 1 })
      assert.equal(meta[0].baseOffset, '0')

      const code = await broker.restart({ clean })
      if (clean) assert.equal(code, 0, `exit code after SIGTERM\n${broker.logTail()}`)

      cluster = await h.openCluster(broker.bootstrap)
      const leader = await h.leaderFor(cluster, topic, 1)
      h.assertSameRecords(recs, await h.fetchMessages(leader, topic, 1, 0, recs.length))
      const more = await h.produce(broker.bootstrap, topic, h.makeRecords(1, 'after'), { partition: 1 })
      assert.equal(more[0].baseOffset, '40', 'offsets continue after the restart')
      const t0 = Date.now()
      const latMeta = await h.produce(broker.bootstrap, lat, h.makeRecords(1, 'lat', 1000000000000))
      assert.ok(Number(latMeta[0].logAppendTime) >= t0 - 2000, 'LogAppendTime config lost across the restart')
      const md = await cluster.brokerPool.metadata.topicMetadata.find(x => x.topic === topic)
      assert.equal(md.partitionMetadata.length, 2)
    } catch (e) {
      e.message += `\n${broker.logTail()}`
      throw e
    } finally {
      if (cluster) await cluster.disconnect()
      await broker.cleanup()
    }
  })
}
