import { describe, expect, it } from 'vitest';
import { applyHeapSettings, HEAP_FLAGS } from '../src/cli/heap-settings.js';

describe('the siphon command’s heap settings', () => {
  it('applies its flags when node was given no heap flag', () => {
    expect(applyHeapSettings([], undefined)).toEqual(HEAP_FLAGS);
    expect(applyHeapSettings(['--enable-source-maps'], '--no-warnings')).toEqual(HEAP_FLAGS);
  });

  it('leaves the heap alone when the user tuned it, on the command line or in NODE_OPTIONS, either spelling', () => {
    expect(applyHeapSettings(['--max-old-space-size=512'], undefined)).toEqual([]);
    expect(applyHeapSettings([], '--no-warnings --max_semi_space_size=8')).toEqual([]);
    expect(applyHeapSettings([], '--heap-growing-percent=100')).toEqual([]);
    expect(applyHeapSettings(['--max-heap-size=1024'], '')).toEqual([]);
  });
});
