'use strict'
// Starts and stops a real `gregor serve` for the kafkajs tests, like the pytest
// fixture does: a free loopback port, a temp data dir kept across restarts, the
// broker's output captured to a log file shown when a test fails.
// With GREGOR_BOOTSTRAP set, tests use that broker and restart() is unavailable.

const { spawn } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..')
const BIN = process.env.GREGOR_BIN || path.join(REPO_ROOT, 'build', 'release', 'src', 'app', 'gregor')
const START_TIMEOUT_MS = Number(process.env.GREGOR_START_TIMEOUT || 30) * 1000

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

// One ApiVersions v0 round trip on a raw socket: the broker is ready when it answers.
function apiVersionsAnswers(host, port, timeoutMs) {
  return new Promise(resolve => {
    const clientId = Buffer.from('kafkajs-it-probe')
    const hdr = Buffer.alloc(10)
    hdr.writeInt16BE(18, 0)
    hdr.writeInt16BE(0, 2)
    hdr.writeInt32BE(1, 4)
    hdr.writeInt16BE(clientId.length, 8)
    const body = Buffer.concat([hdr, clientId])
    const size = Buffer.alloc(4)
    size.writeInt32BE(body.length, 0)
    let got = Buffer.alloc(0)
    const sock = net.connect({ host, port })
    const done = ok => {
      sock.destroy()
      resolve(ok)
    }
    sock.setTimeout(timeoutMs, () => done(false))
    sock.on('error', () => done(false))
    sock.on('connect', () => sock.write(Buffer.concat([size, body])))
    sock.on('data', d => {
      got = Buffer.concat([got, d])
      if (got.length >= 10) done(got.readInt32BE(4) === 1 && got.readInt16BE(8) === 0)
    })
  })
}

class Broker {
  constructor(name) {
    this.external = process.env.GREGOR_BOOTSTRAP || null
    this.workdir = this.external ? null : fs.mkdtempSync(path.join(os.tmpdir(), `gregor-kafkajs-${name}-`))
    this.logPath = this.workdir ? path.join(this.workdir, 'broker.log') : null
    this.proc = null
    this.port = null
  }

  get bootstrap() {
    return this.external || `127.0.0.1:${this.port}`
  }

  get canRestart() {
    return !this.external
  }

  async start() {
    if (this.external) return
    if (!fs.existsSync(BIN)) throw new Error(`broker binary ${BIN} not found (build it, or set GREGOR_BIN / GREGOR_BOOTSTRAP)`)
    if (this.port === null) this.port = await freePort()
    const dataDir = path.join(this.workdir, 'data')
    fs.mkdirSync(dataDir, { recursive: true })
    const args = ['serve']
    const overrides = {
      listeners: `PLAINTEXT://127.0.0.1:${this.port}`,
      'log.dirs': dataDir,
      'num.partitions': '1',
      'auto.create.topics.enable': 'true',
    }
    for (const [k, v] of Object.entries(overrides)) args.push('--override', `${k}=${v}`)
    const log = fs.openSync(this.logPath, 'a')
    fs.writeSync(log, `\n===== start: ${BIN} ${args.join(' ')}\n`)
    this.proc = spawn(BIN, args, { stdio: ['ignore', log, log], cwd: this.workdir })
    fs.closeSync(log)
    this.exited = new Promise(resolve => this.proc.on('exit', (code, signal) => resolve({ code, signal })))
    const deadline = Date.now() + START_TIMEOUT_MS
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`broker exited during start-up\n${this.logTail()}`)
      if (await apiVersionsAnswers('127.0.0.1', this.port, 2000)) return
      await sleep(100)
    }
    await this.kill()
    throw new Error(`broker did not answer ApiVersions within ${START_TIMEOUT_MS} ms\n${this.logTail()}`)
  }

  // SIGTERM and wait; resolves to the exit code (null if it had to be killed).
  async stop() {
    if (!this.proc) return 0
    const proc = this.proc
    this.proc = null
    if (proc.exitCode !== null) return proc.exitCode
    proc.kill('SIGTERM')
    let timer
    const timeout = new Promise(resolve => {
      timer = setTimeout(() => resolve('timeout'), 30000)
    })
    const res = await Promise.race([this.exited, timeout])
    clearTimeout(timer)
    if (res === 'timeout') {
      proc.kill('SIGKILL')
      await this.exited
      throw new Error(`broker did not exit within 30 s of SIGTERM\n${this.logTail()}`)
    }
    return res.code
  }

  async kill() {
    if (!this.proc) return
    const proc = this.proc
    this.proc = null
    if (proc.exitCode === null) proc.kill('SIGKILL')
    await this.exited
  }

  async restart({ clean }) {
    if (!this.canRestart) throw new Error('cannot restart an external broker (GREGOR_BOOTSTRAP is set)')
    const code = clean ? await this.stop() : await this.kill()
    await this.start()
    return code
  }

  logTail(lines = 150) {
    if (!this.logPath || !fs.existsSync(this.logPath)) return '(no broker log)'
    const all = fs.readFileSync(this.logPath, 'utf8').split('\n')
    return `--- broker log ${this.logPath} ---\n` + all.slice(-lines).join('\n')
  }

  async cleanup() {
    const code = await this.stop()
    if (this.workdir && !process.env.GREGOR_KEEP_DATA) fs.rmSync(this.workdir, { recursive: true, force: true })
    return code
  }
}

// For a test file that needs a broker of its own and an admin client: registers
// before/after hooks that start the broker and connect the admin (and tear both
// down). The returned session's `broker` and `admin` are set once started;
// `restart({ clean })` restarts the broker and reconnects the admin.
function adminSession(name) {
  const { before, after } = require('node:test')
  const { kafka } = require('./helpers')
  const session = {
    broker: null,
    admin: null,
    async connect() {
      this.admin = kafka(this.broker.bootstrap).admin()
      await this.admin.connect()
    },
    async restart({ clean }) {
      await this.admin.disconnect()
      await this.broker.restart({ clean })
      await this.connect()
    },
  }
  before(async () => {
    session.broker = new Broker(name)
    await session.broker.start()
    await session.connect()
  })
  after(async () => {
    if (session.admin) await session.admin.disconnect()
    if (session.broker) await session.broker.cleanup()
  })
  return session
}

module.exports = { Broker, adminSession, sleep }
