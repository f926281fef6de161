'use strict'
// Topic and broker configs through kafkajs's admin client: DescribeConfigs with
// sources and synonyms, AlterConfigs of a topic (applied at once, kept across a
// kill -9) and of the broker's dynamic defaults.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { ConfigResourceTypes, ConfigSource } = require('kafkajs')
const { adminSession } = require('./broker')
const h = require('./helpers')

const LIMIT = { timeout: 120000 } // every test is bounded

const session = adminSession('configs')

async function describe(type, name, configNames) {
  const res = await session.admin.describeConfigs({
    includeSynonyms: true,
    resources: [{ type, name, configNames }],
  })
  assert.equal(res.resources.length, 1)
  assert.equal(res.resources[0].errorCode, 0)
  return Object.fromEntries(res.resources[0].configEntries.map(e => [e.configName, e]))
}

test('describe a topic: override, defaults and synonyms', LIMIT, async () => {
  const topic = h.uniqueTopic('cfg')
  await session.admin.createTopics({
    topics: [{ topic, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
  })
  const entries = await describe(ConfigResourceTypes.TOPIC, topic, ['cleanup.policy', 'retention.ms'])
  assert.deepEqual(Object.keys(entries).sort(), ['cleanup.policy', 'retention.ms'])
  const cleanup = entries['cleanup.policy']
  assert.equal(cleanup.configValue, 'compact')
  assert.equal(cleanup.configSource, ConfigSource.TOPIC_CONFIG)
  assert.deepEqual(
    cleanup.configSynonyms.map(s => [s.configName, s.configSource]),
    [
      ['cleanup.policy', ConfigSource.TOPIC_CONFIG],
      ['log.cleanup.policy', ConfigSource.DEFAULT_CONFIG],
    ],
  )
  assert.equal(entries['retention.ms'].configValue, '604800000')
  assert.equal(entries['retention.ms'].configSource, ConfigSource.DEFAULT_CONFIG)
})

test('alter a topic: applied at once and kept across kill -9', LIMIT, async () => {
  const topic = h.uniqueTopic('cfg-alter')
  await session.admin.createTopics({ topics: [{ topic }] })
  await session.admin.alterConfigs({
    validateOnly: false,
    resources: [
      { type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '86400000' }] },
    ],
  })
  assert.equal((await describe(ConfigResourceTypes.TOPIC, topic))['retention.ms'].configValue, '86400000')
  await assert.rejects(
    session.admin.alterConfigs({
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'segment.ms', value: 'soon' }] },
      ],
    }),
    e => /INVALID_CONFIG|Invalid value/i.test(`${e.type} ${e.message}`),
  )
  if (!session.broker.canRestart) return
  await session.restart({ clean: false })
  const after = await describe(ConfigResourceTypes.TOPIC, topic)
  assert.equal(after['retention.ms'].configValue, '86400000')
  assert.equal(after['retention.ms'].configSource, ConfigSource.TOPIC_CONFIG)
})

test('broker: describe, and change a dynamic default for every topic', LIMIT, async () => {
  const topic = h.uniqueTopic('cfg-dyn')
  await session.admin.createTopics({ topics: [{ topic }] })
  const before = await describe(ConfigResourceTypes.BROKER, '1')
  assert.equal(before['log.retention.bytes'].configValue, '-1')
  assert.equal(before['log.retention.bytes'].readOnly, false)
  assert.equal(before['log.dirs'].readOnly, true)
  await session.admin.alterConfigs({
    resources: [
      { type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'log.retention.bytes', value: '987654321' }] },
    ],
  })
  const b = (await describe(ConfigResourceTypes.BROKER, '1'))['log.retention.bytes']
  assert.equal(b.configValue, '987654321')
  assert.equal(b.configSource, ConfigSource.DYNAMIC_BROKER_CONFIG)
  const t = (await describe(ConfigResourceTypes.TOPIC, topic))['retention.bytes']
  assert.equal(t.configValue, '987654321')
  assert.equal(t.configSource, ConfigSource.DYNAMIC_BROKER_CONFIG)
  await assert.rejects(
    session.admin.alterConfigs({
      resources: [
        { type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'log.dirs', value: '/elsewhere' }] },
      ],
    }),
    e => /INVALID_REQUEST|dynamically/i.test(`${e.type} ${e.message}`),
  )
  // AlterConfigs replaces the broker's whole dynamic set: an empty one removes it.
  await session.admin.alterConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [] }] })
  const back = (await describe(ConfigResourceTypes.TOPIC, topic))['retention.bytes']
  assert.equal(back.configSource, ConfigSource.DEFAULT_CONFIG)
})
