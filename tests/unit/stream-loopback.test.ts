import { describe, expect, it } from 'vitest';
import { isLoopbackHost, loopbackUrl } from '../../src/core/stream/loopback';

describe('live input address', () => {
  it('accepts loopback addresses and a bare port', () => {
    expect(loopbackUrl('8765')).toBe('ws://127.0.0.1:8765/');
    expect(loopbackUrl(' ws://localhost:9000 ')).toBe('ws://localhost:9000/');
    expect(loopbackUrl('ws://127.1.2.3:81/x')).toBe('ws://127.1.2.3:81/x');
    expect(loopbackUrl('ws://[::1]:8765')).toBe('ws://[::1]:8765/');
  });

  it('refuses anything that is not this machine', () => {
    for (const bad of ['ws://example.com:8765', 'ws://10.0.0.1:8765', 'ws://128.0.0.1:1', 'ws://127.0.0.1.evil.com:1', 'ws://localhost.evil.com:1', 'ws://0.0.0.0:8765']) {
      expect(() => loopbackUrl(bad), bad).toThrow(/this machine only/);
    }
    expect(() => loopbackUrl('wss://127.0.0.1:8765')).toThrow(/ws:\/\//);
    expect(() => loopbackUrl('http://127.0.0.1:8765')).toThrow(/ws:\/\//);
    expect(() => loopbackUrl('ws://u:p@127.0.0.1:8765')).toThrow(/user name/);
    expect(() => loopbackUrl('ws://127.0.0.1')).toThrow(/port/);
    expect(() => loopbackUrl('not a url')).toThrow(/not a WebSocket address/);
    expect(isLoopbackHost('127.0.0.256')).toBe(false);
  });
});
