/**
 * The Jupyter wire protocol, version 5.3: how one message becomes ZeroMQ frames and back
 * (https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol).
 *
 *   [routing ids...] "<IDS|MSG>" hmac header parent_header metadata content [buffers...]
 *
 * The HMAC-SHA256 over the four JSON frames, keyed by the connection file's key, is what stops
 * another local process from injecting code into the kernel; frames with a bad signature are rejected.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = Buffer.from("<IDS|MSG>");

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface Message<C = Record<string, unknown>> {
  header: MessageHeader;
  /** The header of the request this message answers; `{}` when it answers nothing. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
}

export class WireError extends Error {}

export function newMessage<C>(msgType: string, content: C, session: string): Message<C> {
  return {
    header: { msg_id: randomUUID(), session, username: "bertlab", date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION },
    parent_header: {},
    metadata: {},
    content,
  };
}

function sign(key: string, frames: Buffer[]): string {
  const hmac = createHmac("sha256", key);
  for (const f of frames) hmac.update(f);
  return hmac.digest("hex");
}

export function encode(msg: Message<unknown>, key: string): Buffer[] {
  const body = [msg.header, msg.parent_header, msg.metadata, msg.content].map((part) => Buffer.from(JSON.stringify(part)));
  return [DELIMITER, Buffer.from(sign(key, body)), ...body];
}

export function decode(frames: Buffer[], key: string): Message {
  const at = frames.findIndex((f) => f.equals(DELIMITER));
  if (at < 0) throw new WireError("message without the <IDS|MSG> delimiter");
  if (frames.length < at + 6) throw new WireError(`message with ${frames.length - at - 2} parts after the delimiter; expected at least 4`);
  const signature = frames[at + 1];
  const body = frames.slice(at + 2, at + 6);
  const expected = Buffer.from(sign(key, frames.slice(at + 2)));
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    throw new WireError("message with a bad HMAC signature");
  }
  const [header, parent_header, metadata, content] = body.map((b) => JSON.parse(b.toString("utf8")));
  return { header, parent_header, metadata, content };
}
