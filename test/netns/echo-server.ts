/**
 * Tiny peer for the namespace harness test: TCP echo on PORT (a line "COUNT" answers how many
 * UDP datagrams arrived on PORT so far). Prints "ready" once both sockets listen.
 * Usage: bun echo-server.ts <port>
 */
export {};

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error(`echo-server: expected a port number as the first argument, got '${process.argv[2] ?? ""}'`);
  process.exit(2);
}
let datagrams = 0;
await Bun.udpSocket({
  hostname: "0.0.0.0",
  port,
  socket: {
    data() {
      datagrams++;
    },
  },
});
Bun.listen({
  hostname: "0.0.0.0",
  port,
  socket: {
    data(socket, data) {
      const text = data.toString();
      socket.write(text.trim() === "COUNT" ? `${datagrams}\n` : text);
    },
  },
});
console.log("ready");
