/**
 * The kernel connection file: five TCP ports on the loopback interface and the HMAC key that
 * signs every message (https://jupyter-client.readthedocs.io/en/latest/kernels.html#connection-files).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface ConnectionInfo {
  transport: "tcp";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name: string;
}

/**
 * Ports handed to kernels of this process that are not released yet. The OS does not know about them between
 * the moment the probe socket closes and the moment the kernel binds, so without this list two kernels started
 * at once could be given the same port (the second one's bind then fails).
 */
const reserved = new Set<number>();

/** Asks the OS for `count` distinct free ports that no kernel of this process holds. */
async function freePorts(count: number, ip: string): Promise<number[]> {
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    // Probes stay open until all ports are chosen, so the OS never hands out one of them twice.
    for (let tries = 0; ports.length < count; tries++) {
      if (tries > 50 * count) throw new Error(`could not find ${count} free ports on ${ip}`);
      const server = await new Promise<net.Server>((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, ip, () => resolve(s));
      });
      servers.push(server);
      const port = (server.address() as net.AddressInfo).port;
      if (!reserved.has(port)) ports.push(port);
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
  for (const port of ports) reserved.add(port);
  // Another process may still grab a port before the kernel binds it; Kernel.start then retries with new ones.
  return ports;
}

/** Returns a kernel's ports to the pool once the kernel is gone. */
export function releasePorts(info: ConnectionInfo): void {
  for (const port of [info.shell_port, info.iopub_port, info.stdin_port, info.control_port, info.hb_port]) reserved.delete(port);
}

/** For tests: the ports this process has handed to kernels that are not shut down yet. */
export function reservedPorts(): ReadonlySet<number> {
  return reserved;
}

export async function newConnectionInfo(ip = "127.0.0.1"): Promise<ConnectionInfo> {
  const [shell, iopub, stdin, control, hb] = await freePorts(5, ip);
  return {
    transport: "tcp",
    ip,
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    kernel_name: "tslab",
  };
}

export function address(info: ConnectionInfo, port: number): string {
  return `${info.transport}://${info.ip}:${port}`;
}

/** A private temporary folder (mode 700) for one kernel's connection file; the key is a secret. */
export class RuntimeDir {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), "bertlab-kernel-"));

  write(name: string, content: string): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, content, { mode: 0o600 });
    return file;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
