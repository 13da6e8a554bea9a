// A ringtone synthesized with WebAudio (two tones, 2 s on, 4 s off): no audio file to ship.
export class Ringtone {
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  start(): void {
    if (this.timer || typeof AudioContext === 'undefined') return;
    try {
      this.context = new AudioContext();
    } catch {
      return;
    }
    const ring = () => {
      const ctx = this.context;
      if (!ctx) return;
      const gain = ctx.createGain();
      gain.gain.value = 0.08;
      gain.connect(ctx.destination);
      for (const frequency of [440, 480]) {
        const osc = ctx.createOscillator();
        osc.frequency.value = frequency;
        osc.connect(gain);
        osc.start();
        osc.stop(ctx.currentTime + 2);
      }
    };
    // Browsers may keep audio suspended until the page was interacted with; ringing then stays silent.
    void this.context.resume().catch(() => undefined);
    ring();
    this.timer = setInterval(ring, 6_000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    void this.context?.close().catch(() => undefined);
    this.context = null;
  }
}
