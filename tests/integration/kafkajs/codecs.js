'use strict'
// Registers Snappy, LZ4 and ZSTD with kafkajs (it ships only GZIP). The codecs are
// pure JavaScript/WebAssembly so that `npm ci` needs no native build.

const { CompressionTypes, CompressionCodecs } = require('kafkajs')
const SnappyCodec = require('kafkajs-snappy')
const lz4 = require('lz4js')
const { ZstdCodec } = require('zstd-codec')

const Lz4Codec = () => ({
  async compress(encoder) {
    return Buffer.from(lz4.compress(encoder.buffer))
  },
  async decompress(buffer) {
    return Buffer.from(lz4.decompress(buffer))
  },
})

let registered = null

function registerCodecs() {
  if (!registered) {
    registered = new Promise(resolve => {
      ZstdCodec.run(zstd => {
        const streaming = new zstd.Streaming()
        CompressionCodecs[CompressionTypes.ZSTD] = () => ({
          async compress(encoder) {
            return Buffer.from(streaming.compress(encoder.buffer, 3))
          },
          async decompress(buffer) {
            return Buffer.from(streaming.decompress(buffer))
          },
        })
        CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec
        CompressionCodecs[CompressionTypes.LZ4] = Lz4Codec
        resolve()
      })
    })
  }
  return registered
}

module.exports = { registerCodecs }
