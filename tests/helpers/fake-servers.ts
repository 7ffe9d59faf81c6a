// Listeners that are not a usable PostgreSQL server, for the error paths a real server here cannot produce.
import { createServer as createHttpServer } from 'node:http'
import { createServer as createTcpServer, type Server } from 'node:net'

// A listener that speaks just enough of the PostgreSQL protocol to ask for a password and refuse it with 28P01,
// as a server with password authentication does ("Message Formats" in the PostgreSQL docs): the test server here
// trusts every local connection, so a wrong password cannot be had from it. `echo` repeats the password it got
// in the error, as a careless pooler might: the kit must hide it there too.
export function refusingServer(echo = false): Promise<Server> {
  const message = (type: string, body: Buffer) => {
    const head = Buffer.alloc(5)
    head.write(type, 0)
    head.writeInt32BE(body.length + 4, 1)
    return Buffer.concat([head, body])
  }
  const server = createTcpServer((socket) => {
    let startup = true
    socket.on('data', (chunk) => {
      if (startup) {
        startup = false
        const cleartext = Buffer.alloc(4)
        cleartext.writeInt32BE(3)
        socket.write(message('R', cleartext))
      } else if (chunk[0] === 0x70) {
        const got = chunk.subarray(5, chunk.indexOf(0, 5)).toString('utf8')
        const text = `password authentication failed for user "postgres"${echo ? ` (password "${got}")` : ''}`
        const fields = ['SFATAL', 'VFATAL', 'C28P01', `M${text}`].map((f) => `${f}\0`).join('')
        socket.end(message('E', Buffer.from(`${fields}\0`)))
      }
    })
    socket.on('error', () => {})
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

export function httpServer(): Promise<Server> {
  const server = createHttpServer((_req, res) => res.end('hello'))
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server as unknown as Server)))
}

export const portOf = (server: Server) => (server.address() as { port: number }).port

// Accepts connections and never says a word: what a client sees of an address that drops packets. (Outbound
// addresses on these machines are answered by an HTTP proxy, so a real black hole cannot be had.)
export function silentServer(): Promise<Server> {
  const server = createTcpServer((socket) => socket.on('error', () => {}))
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}
