// Calls in the web app without a network: the controller's state machine fed with signals, and
// the screens it drives (incoming call, messages on failure).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { ApolloClient } from '@apollo/client';
import {
  HangUpCallDocument,
  IceServersDocument,
  RejectCallDocument,
  StartCallDocument,
  type CallSignalFieldsFragment,
} from '@chatter/client';
import { CallController } from './call-controller';
import { CallOverlay } from './call-overlay';
import { connectFailureText, formatDuration } from './call-errors';

const call = {
  __typename: 'Call' as const,
  id: 'call-1',
  conversationId: 'dm1',
  callerId: 'ann',
  calleeId: 'me',
  media: 'VIDEO' as const,
  state: 'RINGING' as const,
  createdAt: '2026-01-01T00:00:00Z',
  expiresAt: '2026-01-01T00:00:45Z',
  answeredAt: null,
  endedAt: null,
  endReason: null,
};

const signal = (
  kind: CallSignalFieldsFragment['kind'],
  extra: Partial<CallSignalFieldsFragment> = {},
) =>
  ({
    __typename: 'CallSignal',
    kind,
    fromUserId: 'ann',
    sdp: kind === 'INVITE' ? 'v=0\r\n' : null,
    sdpType: kind === 'INVITE' ? 'offer' : null,
    candidates: [],
    endReason: null,
    call,
    ...extra,
  }) as CallSignalFieldsFragment;

function setup() {
  const mutate = vi.fn(async (_options: { mutation: unknown }) => ({ data: {} }));
  const query = vi.fn(async (_options: unknown): Promise<{ data: unknown }> => ({ data: {} }));
  const client = { mutate, query } as unknown as ApolloClient<unknown>;
  const controller = new CallController({ client, myUserId: 'me', nameOf: () => 'Ann Caller' });
  render(<CallOverlay controller={controller} />);
  return { controller, mutate, query };
}

const flush = () => act(async () => await new Promise((r) => setTimeout(r, 0)));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('calls in the web app', () => {
  it('rings with the caller named, and declining tells the server and closes the screen', async () => {
    const { controller, mutate } = setup();
    act(() => controller.onSignal(signal('INVITE')));
    await flush();
    const dialog = screen.getByRole('alertdialog', { name: 'Incoming video call' });
    expect(dialog.textContent).toContain('Ann Caller');
    fireEvent.click(screen.getByRole('button', { name: 'Decline' }));
    await flush();
    expect(mutate).toHaveBeenCalledWith({
      mutation: RejectCallDocument,
      variables: { callId: 'call-1' },
    });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    controller.dispose();
  });

  it('stops ringing when another device answered, and ignores signals of other calls', async () => {
    const { controller } = setup();
    act(() => controller.onSignal(signal('INVITE')));
    await flush();
    act(() =>
      controller.onSignal(signal('ANSWERED_ELSEWHERE', { call: { ...call, id: 'another' } })),
    );
    await flush();
    expect(screen.getByRole('alertdialog')).toBeTruthy();
    act(() => controller.onSignal(signal('ANSWERED_ELSEWHERE')));
    await flush();
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByRole('status').textContent).toContain('Answered on another device');
    controller.dispose();
  });

  it('explains a denied microphone and places no call', async () => {
    vi.stubGlobal('navigator', {
      ...navigator,
      mediaDevices: {
        getUserMedia: () => Promise.reject(new DOMException('denied', 'NotAllowedError')),
      },
    });
    const { controller, mutate } = setup();
    await act(async () => await controller.start('dm1', 'ann', 'VOICE'));
    expect(screen.getByRole('alert').textContent).toMatch(/may not use your microphone/);
    expect(mutate.mock.calls.some(([o]) => o.mutation === StartCallDocument)).toBe(false);
    controller.dispose();
  });

  it('rings for a call that began before this device connected (from activeCalls)', async () => {
    const { controller, query } = setup();
    query.mockResolvedValueOnce({ data: { activeCalls: [{ ...call, offerSdp: 'v=0\r\n' }] } });
    await act(async () => await controller.ringIfCalled());
    expect(screen.getByRole('alertdialog', { name: 'Incoming video call' })).toBeTruthy();
    controller.dispose();
  });

  it.each([
    [false, /Could not connect: no TURN server configured/],
    [true, /Could not connect: the relay \(TURN\) server could not be reached/],
  ])(
    'when ICE fails (TURN configured: %s) it hangs up with FAILED and says why',
    async (turnConfigured, text) => {
      const peers: FakePeer[] = [];
      class FakePeer {
        connectionState = 'new';
        onconnectionstatechange: (() => void) | null = null;
        closed = false;
        constructor(readonly config: RTCConfiguration) {
          peers.push(this);
        }
        addTrack() {}
        createOffer = async () => ({ type: 'offer', sdp: 'v=0\r\n' });
        setLocalDescription = async () => undefined;
        close() {
          this.closed = true;
        }
      }
      const track = { kind: 'audio', enabled: true, stop: vi.fn() };
      vi.stubGlobal('RTCPeerConnection', FakePeer);
      vi.stubGlobal('MediaStream', class {});
      vi.stubGlobal('navigator', {
        ...navigator,
        mediaDevices: {
          getUserMedia: async () => ({ getTracks: () => [track], getAudioTracks: () => [track] }),
        },
      });
      const { controller, mutate, query } = setup();
      const servers = turnConfigured
        ? [{ urls: ['turn:turn.example.org:3478'], username: '1:me', credential: 'x' }]
        : [];
      query.mockImplementation(async (o) => {
        expect((o as { query: unknown }).query).toBe(IceServersDocument);
        return { data: { iceServers: { turnConfigured, servers } } };
      });
      mutate.mockImplementation(async (o) =>
        o.mutation === StartCallDocument ? { data: { startCall: { id: 'call-9' } } } : { data: {} },
      );
      await act(async () => await controller.start('dm1', 'ann', 'VOICE'));
      expect(screen.getByRole('region', { name: 'Call with Ann Caller' })).toBeTruthy();
      const pc = peers[0]!;
      expect(pc.config.iceServers).toHaveLength(servers.length);

      pc.connectionState = 'failed';
      act(() => pc.onconnectionstatechange?.());
      await flush();
      expect(mutate).toHaveBeenCalledWith({
        mutation: HangUpCallDocument,
        variables: { callId: 'call-9', reason: 'FAILED' },
      });
      expect(screen.getByRole('alert').textContent).toMatch(text);
      expect(screen.queryByRole('region', { name: /^Call with/ })).toBeNull();
      expect(pc.closed).toBe(true);
      expect(track.stop).toHaveBeenCalled();
      controller.dispose();
    },
  );

  it('words a failed connection by whether a relay exists, and shows durations as m:ss', () => {
    expect(connectFailureText(false)).toMatch(/^Could not connect: no TURN server configured/);
    expect(connectFailureText(true)).not.toMatch(/no TURN server/);
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(125)).toBe('2:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});
