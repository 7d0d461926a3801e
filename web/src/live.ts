import { useEffect, useState } from 'preact/hooks';
import type { Stats } from './api.ts';

/**
 * The stats WebSocket (/api/v1/stats/ws, authenticated by the session cookie): a snapshot of the
 * project's counts every second. Pages reload their lists when the counts move, so what they show
 * follows the deliveries live without polling the lists themselves. Reconnects after a drop.
 */
export function useStats(project: string): Stats | undefined {
  const [stats, setStats] = useState<Stats | undefined>();
  useEffect(() => {
    let socket: WebSocket | undefined;
    let closed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      const url = new URL('/api/v1/stats/ws', location.href);
      url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
      socket = new WebSocket(url);
      socket.onmessage = (m) => { try { setStats(JSON.parse(String(m.data)) as Stats); } catch { /* a frame that is not a snapshot */ } };
      socket.onclose = () => { if (!closed) retry = setTimeout(open, 2_000); };
    };
    open();
    return () => { closed = true; clearTimeout(retry); socket?.close(); };
  }, [project]);
  return stats;
}

/** A key that changes whenever the project's event counts or attempts do. */
export const statsKey = (s: Stats | undefined) => (s ? JSON.stringify([s.events, s.deliveries, s.lastMinute]) : '');
