// Child process of bench item 7: an HTTP server on loopback that answers every request "ok" and counts the
// requests that reached it, the ground truth for the achieved arrival rate. GET /count answers the count
// since the previous /count (that request itself is not counted). Prints its port.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

let count = 0;
const server = createServer((req, res) => {
  if (req.url === "/count") {
    res.end(String(count));
    count = 0;
    return;
  }
  count++;
  res.end("ok");
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
