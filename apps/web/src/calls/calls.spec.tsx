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

function setup(connectTimeoutMs?: number) {
  const mutate = vi.fn(async (_options: { mutation: unknown }) => ({ data: {} }));
  const query = vi.fn(async (_options: unknown): Promise<{ data: unknown }> => ({ data: {} }));
  const client = { mutate, query } as unknown as ApolloClient<unknown>;
  const controller = new CallController({
    client,
    myUserId: 'me',
    nameOf: () => 'Ann Caller',
    connectTimeoutMs,
  });
  render(<CallOverlay controller={controller} />);
  return { controller, mutate, query };
}

const flush = () => act(async () => await new Promise((r) => setTimeout(r, 0)));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** A fake RTCPeerConnection whose state the test sets. */
class FakePeer {
  static made: FakePeer[] = [];
  connectionState = 'new';
  onconnectionstatechange: (() => void) | null = null;
  closed = false;
  remote: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  constructor(readonly config: RTCConfiguration) {
    FakePeer.made.push(this);
  }
  addTrack() {}
  addIceCandidate = async () => undefined;
  createOffer = async () => ({ type: 'offer', sdp: 'v=0\r\n' });
  setLocalDescription = async () => undefined;
  setRemoteDescription = async (d: RTCSessionDescriptionInit) => {
    this.remote = d;
    this.remoteDescription = d;
  };
  close() {
    this.closed = true;
  }
}

/** Places a voice call as 'me' to Ann over fake media and peers; the server calls it call-9. */
async function placeCall(turnConfigured: boolean, connectTimeoutMs?: number) {
  FakePeer.made = [];
  const track = { kind: 'audio', enabled: true, stop: vi.fn() };
  vi.stubGlobal('RTCPeerConnection', FakePeer);
  vi.stubGlobal('MediaStream', class {});
  vi.stubGlobal('navigator', {
    ...navigator,
    mediaDevices: {
      getUserMedia: async () => ({ getTracks: () => [track], getAudioTracks: () => [track] }),
    },
  });
  const { controller, mutate, query } = setup(connectTimeoutMs);
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
  const pc = FakePeer.made[0]!;
  expect(pc.config.iceServers).toHaveLength(servers.length);
  return { controller, mutate, pc, track };
}

const answered = (id: string) =>
  signal('ANSWERED', {
    fromUserId: 'ann',
    sdp: 'v=0\r\nanswer',
    sdpType: 'answer',
    call: { ...call, id, callerId: 'me', calleeId: 'ann', state: 'ACTIVE' },
  });

/** The call was hung up with FAILED, its view is gone, and an alert says `text`. */
function expectFailedWith(mutate: ReturnType<typeof setup>['mutate'], text: RegExp) {
  expect(mutate).toHaveBeenCalledWith({
    mutation: HangUpCallDocument,
    variables: { callId: 'call-9', reason: 'FAILED' },
  });
  expect(screen.getByRole('alert').textContent).toMatch(text);
  expect(screen.queryByRole('region', { name: /^Call with/ })).toBeNull();
}

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
      const { controller, mutate, pc, track } = await placeCall(turnConfigured);
      pc.connectionState = 'failed';
      act(() => pc.onconnectionstatechange?.());
      await flush();
      expectFailedWith(mutate, text);
      expect(pc.closed).toBe(true);
      expect(track.stop).toHaveBeenCalled();
      controller.dispose();
    },
  );

  it('fails an answered call that never connects (no path at all), and not one that does', async () => {
    const never = await placeCall(true, 40);
    act(() => never.controller.onSignal(answered('call-9')));
    await flush();
    expect(never.pc.remote).toEqual({ type: 'answer', sdp: 'v=0\r\nanswer' });
    await act(async () => await new Promise((r) => setTimeout(r, 20)));
    expect(screen.getByRole('region', { name: 'Call with Ann Caller' })).toBeTruthy();
    await act(async () => await new Promise((r) => setTimeout(r, 40)));
    await flush();
    expectFailedWith(never.mutate, /Could not connect: the relay \(TURN\) server/);
    expect(never.pc.closed).toBe(true);
    never.controller.dispose();
    cleanup();

    const connects = await placeCall(true, 40);
    act(() => connects.controller.onSignal(answered('call-9')));
    await flush();
    connects.pc.connectionState = 'connected';
    act(() => connects.pc.onconnectionstatechange?.());
    await act(async () => await new Promise((r) => setTimeout(r, 80)));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(connects.mutate.mock.calls.some(([o]) => o.mutation === HangUpCallDocument)).toBe(false);
    expect(screen.getByRole('region', { name: 'Call with Ann Caller' })).toBeTruthy();
    connects.controller.dispose();
  });

  it('says the call could not connect when the other side gave up connecting first', async () => {
    const { controller, pc } = await placeCall(false);
    act(() => controller.onSignal(answered('call-9')));
    await flush();
    act(() =>
      controller.onSignal(
        signal('ENDED', {
          endReason: 'FAILED',
          call: { ...call, id: 'call-9', state: 'ENDED', endReason: 'FAILED' },
        }),
      ),
    );
    await flush();
    expect(screen.getByRole('alert').textContent).toMatch(
      /Could not connect: no TURN server configured/,
    );
    expect(pc.closed).toBe(true);
    controller.dispose();
  });

  it('words a failed connection by whether a relay exists, and shows durations as m:ss', () => {
    expect(connectFailureText(false)).toMatch(/^Could not connect: no TURN server configured/);
    expect(connectFailureText(true)).not.toMatch(/no TURN server/);
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(125)).toBe('2:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});
