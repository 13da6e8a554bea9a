// One call at a time per device: the peer connection, local media, and the signaling over the
// API (mutations out, CallSignal events in). React reads it through subscribe/getSnapshot.
import type { ApolloClient } from '@apollo/client';
import {
  ActiveCallsDocument,
  AnswerCallDocument,
  HangUpCallDocument,
  IceServersDocument,
  RejectCallDocument,
  RenegotiateCallDocument,
  SendCallCandidatesDocument,
  StartCallDocument,
  type CallMedia,
  type CallSignalFieldsFragment,
} from '@chatter/client';
import { connectFailureText, endedText, mediaErrorText } from './call-errors';
import { Ringtone } from './ringtone';

export type CallPhase = 'idle' | 'outgoing' | 'incoming' | 'connecting' | 'active' | 'ended';

export interface CallState {
  phase: CallPhase;
  callId: string | null;
  conversationId: string | null;
  peerId: string | null;
  peerName: string;
  media: CallMedia;
  /** When the call was answered (ms), for the timer. */
  answeredAt: number | null;
  muted: boolean;
  cameraOn: boolean;
  localStream: MediaStream | null;
  remoteStream: MediaStream | null;
  /** Shown to the person: why the call could not start, connect, or why it ended. */
  message: string | null;
  error: boolean;
}

const IDLE: CallState = {
  phase: 'idle',
  callId: null,
  conversationId: null,
  peerId: null,
  peerName: '',
  media: 'VOICE',
  answeredAt: null,
  muted: false,
  cameraOn: false,
  localStream: null,
  remoteStream: null,
  message: null,
  error: false,
};

const CANDIDATE_BATCH_MS = 100;
const ENDED_SHOWN_MS = 4_000;
/**
 * How long an answered call may take to connect. When no path exists at all (no candidate could
 * be gathered, e.g. a TURN server that refuses its credentials where only a relay would do) the
 * browser never reports `failed`: the connection just stays `new`.
 */
const CONNECT_TIMEOUT_MS = 30_000;

export interface CallControllerOptions {
  client: ApolloClient<unknown>;
  myUserId: string;
  /** The other person's display name, looked up from the conversations already loaded. */
  nameOf: (conversationId: string, userId: string) => string;
  /** How long an answered call may take to connect before it fails (default 30 s). */
  connectTimeoutMs?: number;
}

export class CallController {
  private state: CallState = IDLE;
  private readonly listeners = new Set<() => void>();
  private pc: RTCPeerConnection | null = null;
  private offer: string | null = null;
  private turnConfigured = false;
  private outgoing: string[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private remoteCandidates: RTCIceCandidateInit[] = [];
  private readonly ringtone = new Ringtone();
  private endTimer: ReturnType<typeof setTimeout> | null = null;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly opts: CallControllerOptions) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): CallState => this.state;

  private set(patch: Partial<CallState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  /** Calls the other member of a direct conversation. */
  async start(conversationId: string, peerId: string, media: CallMedia): Promise<void> {
    if (this.state.phase !== 'idle' && this.state.phase !== 'ended') return;
    this.clearEndTimer();
    this.set({
      ...IDLE,
      phase: 'outgoing',
      conversationId,
      peerId,
      peerName: this.opts.nameOf(conversationId, peerId),
      media,
      cameraOn: media === 'VIDEO',
    });
    try {
      const local = await this.openMedia(media === 'VIDEO');
      if (!local) return;
      const pc = await this.createPeer();
      for (const track of local.getTracks()) pc.addTrack(track, local);
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      const { data } = await this.opts.client.mutate({
        mutation: StartCallDocument,
        variables: { conversationId, media, sdp: offer.sdp ?? '' },
      });
      if (this.pc !== pc || !data) return;
      this.set({ callId: data.startCall.id });
      this.scheduleFlush();
    } catch (error) {
      this.fail(apiErrorText(error, 'Could not start the call.'));
    }
  }

  /** Answers the ringing call on this device. */
  async accept(): Promise<void> {
    const { callId, media } = this.state;
    if (this.state.phase !== 'incoming' || !callId || !this.offer) return;
    this.ringtone.stop();
    this.set({ phase: 'connecting', cameraOn: media === 'VIDEO' });
    try {
      const local = await this.openMedia(media === 'VIDEO');
      if (!local) {
        await this.mutateQuietly(() =>
          this.opts.client.mutate({ mutation: RejectCallDocument, variables: { callId } }),
        );
        return;
      }
      const pc = await this.createPeer();
      await pc.setRemoteDescription({ type: 'offer', sdp: this.offer });
      for (const track of local.getTracks()) pc.addTrack(track, local);
      await this.applyRemoteCandidates();
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await this.opts.client.mutate({
        mutation: AnswerCallDocument,
        variables: { callId, sdp: answer.sdp ?? '' },
      });
      this.armConnectTimer(pc);
      this.scheduleFlush();
    } catch (error) {
      this.fail(apiErrorText(error, 'Could not answer the call.'));
    }
  }

  async decline(): Promise<void> {
    const { callId } = this.state;
    if (this.state.phase !== 'incoming' || !callId) return;
    this.ringtone.stop();
    this.finish(null);
    await this.mutateQuietly(() =>
      this.opts.client.mutate({ mutation: RejectCallDocument, variables: { callId } }),
    );
  }

  async hangUp(reason: 'HANGUP' | 'FAILED' = 'HANGUP'): Promise<void> {
    const { callId } = this.state;
    if (this.state.phase === 'incoming') return this.decline();
    this.finish(endedText(reason));
    if (callId)
      await this.mutateQuietly(() =>
        this.opts.client.mutate({ mutation: HangUpCallDocument, variables: { callId, reason } }),
      );
  }

  toggleMute(): void {
    const muted = !this.state.muted;
    for (const t of this.state.localStream?.getAudioTracks() ?? []) t.enabled = !muted;
    this.set({ muted });
  }

  /** Camera off keeps the track (black frames); on in a voice call adds video and renegotiates. */
  async toggleCamera(): Promise<void> {
    const local = this.state.localStream;
    const video = local?.getVideoTracks() ?? [];
    if (video.length > 0) {
      const cameraOn = !this.state.cameraOn;
      for (const t of video) t.enabled = cameraOn;
      this.set({ cameraOn });
      return;
    }
    if (!this.pc || !local) return;
    try {
      const camera = await navigator.mediaDevices.getUserMedia({ video: true });
      const track = camera.getVideoTracks()[0]!;
      local.addTrack(track);
      this.pc.addTrack(track, local);
      this.set({ cameraOn: true, localStream: local });
    } catch (error) {
      this.set({ message: mediaErrorText(error, true), error: true });
    }
  }

  /** Moves the call to another microphone or camera without renegotiating. */
  async switchDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    const local = this.state.localStream;
    if (!local || !this.pc) return;
    try {
      const fresh = await navigator.mediaDevices.getUserMedia(
        kind === 'audioinput'
          ? { audio: { deviceId: { exact: deviceId } } }
          : { video: { deviceId: { exact: deviceId } } },
      );
      const track = (kind === 'audioinput' ? fresh.getAudioTracks() : fresh.getVideoTracks())[0]!;
      const old = kind === 'audioinput' ? local.getAudioTracks()[0] : local.getVideoTracks()[0];
      const sender = this.pc.getSenders().find((s) => s.track?.kind === track.kind);
      await sender?.replaceTrack(track);
      if (old) {
        local.removeTrack(old);
        old.stop();
      }
      track.enabled = kind === 'audioinput' ? !this.state.muted : this.state.cameraOn;
      local.addTrack(track);
      this.set({ localStream: local });
    } catch (error) {
      this.set({ message: mediaErrorText(error, kind === 'videoinput'), error: true });
    }
  }

  /**
   * Rings for a call that started before this device's stream was connected (the invite itself
   * is never replayed): the server still holds its offer while it rings.
   */
  async ringIfCalled(): Promise<void> {
    try {
      const { data } = await this.opts.client.query({
        query: ActiveCallsDocument,
        fetchPolicy: 'network-only',
      });
      const ringing = data.activeCalls.find(
        (c) => c.state === 'RINGING' && c.calleeId === this.opts.myUserId && c.offerSdp,
      );
      if (!ringing) return;
      const { offerSdp, ...call } = ringing;
      this.onSignal({
        __typename: 'CallSignal',
        kind: 'INVITE',
        fromUserId: call.callerId,
        sdp: offerSdp ?? null,
        sdpType: 'offer',
        candidates: [],
        endReason: null,
        call,
      });
    } catch {
      // Offline or refused: the next invite rings as usual.
    }
  }

  /** A CallSignal from chatEvents (only this device's get here). */
  onSignal = (signal: CallSignalFieldsFragment): void => {
    void this.handle(signal).catch(() => undefined);
  };

  private async handle(signal: CallSignalFieldsFragment): Promise<void> {
    const { call } = signal;
    const current = this.state.callId;
    switch (signal.kind) {
      case 'INVITE': {
        if (signal.fromUserId === this.opts.myUserId || !signal.sdp) return;
        // Already in a call on this device: the server refuses a second one as busy anyway.
        if (this.state.phase !== 'idle' && this.state.phase !== 'ended') return;
        this.clearEndTimer();
        this.offer = signal.sdp;
        this.remoteCandidates = [];
        this.set({
          ...IDLE,
          phase: 'incoming',
          callId: call.id,
          conversationId: call.conversationId,
          peerId: call.callerId,
          peerName: this.opts.nameOf(call.conversationId, call.callerId),
          media: call.media,
        });
        this.ringtone.start();
        return;
      }
      case 'ANSWERED':
        if (call.id !== current || !this.pc || !signal.sdp) return;
        await this.pc.setRemoteDescription({ type: 'answer', sdp: signal.sdp });
        await this.applyRemoteCandidates();
        this.set({ phase: 'connecting' });
        this.armConnectTimer(this.pc);
        return;
      case 'ANSWERED_ELSEWHERE':
        if (call.id !== current || this.state.phase !== 'incoming') return;
        this.ringtone.stop();
        this.finish('Answered on another device');
        return;
      case 'CANDIDATES':
        if (call.id !== current) return;
        for (const raw of signal.candidates) {
          try {
            this.remoteCandidates.push(JSON.parse(raw) as RTCIceCandidateInit);
          } catch {
            // not a candidate: ignore
          }
        }
        if (this.pc?.remoteDescription) await this.applyRemoteCandidates();
        return;
      case 'RENEGOTIATE': {
        if (call.id !== current || !this.pc || !signal.sdp) return;
        if (signal.sdpType === 'offer') {
          await this.pc.setRemoteDescription({ type: 'offer', sdp: signal.sdp });
          const answer = await this.pc.createAnswer();
          await this.pc.setLocalDescription(answer);
          await this.opts.client.mutate({
            mutation: RenegotiateCallDocument,
            variables: { callId: call.id, sdp: answer.sdp ?? '', sdpType: 'answer' },
          });
        } else {
          await this.pc.setRemoteDescription({ type: 'answer', sdp: signal.sdp });
        }
        return;
      }
      case 'ENDED':
        if (call.id !== current) return;
        this.ringtone.stop();
        // The other side gave up connecting while this one was still trying: the same failure.
        if (signal.endReason === 'FAILED' && this.state.phase === 'connecting' && this.pc)
          this.finish(connectFailureText(this.turnConfigured), true);
        else this.finish(endedText(signal.endReason ?? null));
        return;
    }
  }

  private async openMedia(video: boolean): Promise<MediaStream | null> {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video });
      this.set({ localStream: stream });
      return stream;
    } catch (error) {
      this.fail(mediaErrorText(error, video));
      return null;
    }
  }

  private async createPeer(): Promise<RTCPeerConnection> {
    const { data } = await this.opts.client.query({
      query: IceServersDocument,
      fetchPolicy: 'network-only',
    });
    this.turnConfigured = data.iceServers.turnConfigured;
    const pc = new RTCPeerConnection({
      iceServers: data.iceServers.servers.map((s) => ({
        urls: s.urls,
        ...(s.username ? { username: s.username } : {}),
        ...(s.credential ? { credential: s.credential } : {}),
      })),
    });
    this.pc = pc;
    const remote = new MediaStream();
    this.set({ remoteStream: remote });
    pc.ontrack = (e) => {
      if (!remote.getTracks().includes(e.track)) remote.addTrack(e.track);
      this.set({ remoteStream: remote });
    };
    pc.onicecandidate = (e) => {
      if (!e.candidate) return;
      this.outgoing.push(JSON.stringify(e.candidate.toJSON()));
      this.scheduleFlush();
    };
    pc.onconnectionstatechange = () => {
      if (this.pc !== pc) return;
      if (pc.connectionState === 'connected' && this.state.phase !== 'active') {
        this.clearConnectTimer();
        this.set({ phase: 'active', answeredAt: Date.now(), message: null, error: false });
      }
      if (pc.connectionState === 'failed') this.connectFailed();
    };
    pc.onnegotiationneeded = () => {
      // Only once answered (the first offer goes with startCall): turning video on in a call.
      if (this.state.phase !== 'active' || !this.state.callId) return;
      const callId = this.state.callId;
      void (async () => {
        const offer = await pc.createOffer();
        await pc.setLocalDescription(offer);
        await this.opts.client.mutate({
          mutation: RenegotiateCallDocument,
          variables: { callId, sdp: offer.sdp ?? '', sdpType: 'offer' },
        });
      })().catch(() => undefined);
    };
    return pc;
  }

  /** ICE found no path: hang up with FAILED and say why (with or without a relay). */
  private connectFailed(): void {
    this.clearConnectTimer();
    const text = connectFailureText(this.turnConfigured);
    void this.hangUp('FAILED').then(() => this.set({ message: text, error: true }));
  }

  /** Fails the call unless `pc` connects in time (see CONNECT_TIMEOUT_MS). */
  private armConnectTimer(pc: RTCPeerConnection): void {
    this.clearConnectTimer();
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      if (this.pc === pc && pc.connectionState !== 'connected') this.connectFailed();
    }, this.opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  private async applyRemoteCandidates(): Promise<void> {
    const pc = this.pc;
    if (!pc?.remoteDescription) return;
    const pending = this.remoteCandidates;
    this.remoteCandidates = [];
    for (const c of pending) await pc.addIceCandidate(c).catch(() => undefined);
  }

  /** Candidates go in batches, once the call has an id (the callee's after its answer). */
  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      const callId = this.state.callId;
      const ready = callId && (this.state.phase !== 'incoming' || this.pc?.localDescription);
      if (!ready || this.outgoing.length === 0) return;
      const batch = this.outgoing.splice(0, 32);
      void this.opts.client
        .mutate({ mutation: SendCallCandidatesDocument, variables: { callId, candidates: batch } })
        .catch(() => undefined);
      if (this.outgoing.length > 0) this.scheduleFlush();
    }, CANDIDATE_BATCH_MS);
  }

  private fail(message: string): void {
    const { callId, phase } = this.state;
    this.finish(message, true);
    if (callId && phase !== 'incoming')
      void this.mutateQuietly(() =>
        this.opts.client.mutate({
          mutation: HangUpCallDocument,
          variables: { callId, reason: 'FAILED' },
        }),
      );
  }

  /** Releases media and the connection; shows `message` briefly, then goes idle. */
  private finish(message: string | null, error = false): void {
    this.ringtone.stop();
    this.clearConnectTimer();
    for (const t of this.state.localStream?.getTracks() ?? []) t.stop();
    this.pc?.close();
    this.pc = null;
    this.offer = null;
    this.outgoing = [];
    this.remoteCandidates = [];
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.set({
      phase: 'ended',
      localStream: null,
      remoteStream: null,
      message,
      error,
    });
    this.clearEndTimer();
    this.endTimer = setTimeout(
      () => this.set({ ...IDLE }),
      error ? ENDED_SHOWN_MS * 2 : ENDED_SHOWN_MS,
    );
  }

  private clearEndTimer(): void {
    if (this.endTimer) clearTimeout(this.endTimer);
    this.endTimer = null;
  }

  private async mutateQuietly(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch {
      // The call is over on this side either way; the server expires what it did not hear.
    }
  }

  dispose(): void {
    if (this.state.callId && this.state.phase !== 'ended' && this.state.phase !== 'idle')
      void this.hangUp();
    this.ringtone.stop();
    this.clearEndTimer();
    this.clearConnectTimer();
  }
}

/** The server's message for a refused call (BUSY, BLOCKED, CONFLICT…), else `fallback`. */
function apiErrorText(error: unknown, fallback: string): string {
  const graphQLErrors = (error as { graphQLErrors?: { extensions?: { code?: string } }[] })
    ?.graphQLErrors;
  const texts: Record<string, string> = {
    BUSY: 'The line is busy: they are in another call.',
    BLOCKED: 'You cannot call this person.',
    CONFLICT: 'The call was answered on another device or has ended.',
    RATE_LIMITED: 'Too many calls: try again in a minute.',
  };
  const code = graphQLErrors?.[0]?.extensions?.code;
  return (code && texts[code]) || fallback;
}
