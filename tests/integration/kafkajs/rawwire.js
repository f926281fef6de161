'use strict'
// One raw Fetch v4 request, to read the codec of the batches the broker stored
// (kafkajs decompresses transparently and does not expose it).

const net = require('node:net')

const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

function request(bootstrap, payload, timeoutMs = 10000) {
  const [host, port] = [bootstrap.slice(0, bootstrap.lastIndexOf(':')), Number(bootstrap.split(':').pop())]
  return new Promise((resolve, reject) => {
    const size = Buffer.alloc(4)
    size.writeInt32BE(payload.length, 0)
    let got = Buffer.alloc(0)
    const sock = net.connect({ host, port })
    sock.setTimeout(timeoutMs, () => {
      sock.destroy()
      reject(new Error('raw request timed out'))
    })
    sock.on('error', reject)
    sock.on('connect', () => sock.write(Buffer.concat([size, payload])))
    sock.on('data', d => {
      got = Buffer.concat([got, d])
      if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
        sock.destroy()
        resolve(got.subarray(4, 4 + got.readInt32BE(0)))
      }
    })
  })
}

// Codec names of the complete batches returned by one Fetch v4 from offset 0.
async function storedCodecs(bootstrap, topic, partition = 0) {
  const clientId = Buffer.from('kafkajs-it-raw')
  const t = Buffer.from(topic)
  const parts = [
    Buffer.from([0, 1, 0, 4, 0, 0, 0, 9]), // api key 1 (Fetch) v4, correlation id 9
    Buffer.from([0, clientId.length]),
    clientId,
  ]
  const body = Buffer.alloc(4 + 4 + 4 + 4 + 1 + 4 + 2)
  let o = body.writeInt32BE(-1, 0)
  o = body.writeInt32BE(0, o) // max wait
  o = body.writeInt32BE(1, o) // min bytes
  o = body.writeInt32BE(8 << 20, o)
  o = body.writeInt8(0, o)
  o = body.writeInt32BE(1, o)
  body.writeInt16BE(t.length, o)
  const part = Buffer.alloc(4 + 4 + 8 + 4)
  part.writeInt32BE(1, 0)
  part.writeInt32BE(partition, 4)
  part.writeBigInt64BE(0n, 8)
  part.writeInt32BE(8 << 20, 16)
  const resp = await request(bootstrap, Buffer.concat([...parts, body, t, part]))
  let p = 4 + 4 // correlation id, throttle
  p += 4 // topic count
  p += 2 + resp.readInt16BE(p) // topic name
  p += 4 // partition count
  p += 4 // partition
  const err = resp.readInt16BE(p)
  if (err !== 0) throw new Error(`Fetch v4 error ${err}`)
  p += 2 + 8 + 8
  const aborted = resp.readInt32BE(p)
  p += 4 + Math.max(aborted, 0) * 16
  const len = resp.readInt32BE(p)
  p += 4
  const records = resp.subarray(p, p + Math.max(len, 0))
  const codecs = []
  for (let b = 0; b + 61 <= records.length; ) {
    const batchLen = records.readInt32BE(b + 8)
    if (b + 12 + batchLen > records.length) break
    codecs.push(CODEC_NAMES[records.readInt16BE(b + 21) & 7])
    b += 12 + batchLen
  }
  return codecs
}

module.exports = { storedCodecs }
