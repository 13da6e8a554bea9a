import { describe, expect, it } from 'vitest';
import { attachmentSummary } from './attachment-summary';
import { fileTypeLabel, formatBytes, formatDuration } from './format-file';

const file = (kind: string, name: string, type = 'application/octet-stream') => ({
  kind,
  name,
  type,
});

describe('attachmentSummary', () => {
  it('names one file by its kind', () => {
    expect(attachmentSummary([file('IMAGE', 'a.jpg')])).toBe('📷 Photo');
    expect(attachmentSummary([file('AUDIO', 'voice-note-2026-01-01.webm')])).toBe('🎤 Voice note');
    expect(attachmentSummary([file('AUDIO', 'song.mp3')])).toBe('🎵 song.mp3');
    expect(attachmentSummary([file('FILE', 'plan.pdf')])).toBe('📄 plan.pdf');
  });
  it('gives the length of a voice note or video once the server measured it', () => {
    const note = file('AUDIO', 'voice-note-2026-01-01.webm', 'audio/webm');
    expect(attachmentSummary([{ ...note, duration: 7.4 }])).toBe('🎤 Voice note (0:07)');
    expect(attachmentSummary([{ ...note, duration: null }])).toBe('🎤 Voice note');
    expect(attachmentSummary([{ ...file('VIDEO', 'clip.mp4'), duration: 65 }])).toBe(
      '🎬 Video (1:05)',
    );
    expect(attachmentSummary([{ ...file('AUDIO', 'song.mp3'), duration: 200 }])).toBe(
      '🎵 song.mp3',
    );
  });
  it('counts several', () => {
    expect(attachmentSummary([file('IMAGE', 'a'), file('IMAGE', 'b')])).toBe('📷 2 photos');
    expect(attachmentSummary([file('IMAGE', 'a'), file('FILE', 'b')])).toBe('📎 2 files');
    expect(attachmentSummary([])).toBe('');
    expect(attachmentSummary(undefined)).toBe('');
  });
});

describe('file formats', () => {
  it('formats sizes in decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1500)).toBe('1.5 kB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('21 MB');
    expect(formatBytes(-1)).toBe('');
  });
  it('labels types by name or extension', () => {
    expect(fileTypeLabel('application/pdf', 'x')).toBe('PDF');
    expect(fileTypeLabel('application/octet-stream', 'data.tar.gz')).toBe('GZ');
    expect(fileTypeLabel('application/octet-stream', 'README')).toBe('File');
  });
  it('formats durations', () => {
    expect(formatDuration(7.4)).toBe('0:07');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(null)).toBe('');
    expect(formatDuration(Infinity)).toBe('');
  });
});
