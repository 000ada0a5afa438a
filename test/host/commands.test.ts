// The command table that the toolbar, the keys, Help and the desktop menus read: one meaning per
// key, one label per command, and the ids the menus send.
import { describe, expect, test } from 'vitest';
import { chordName, commandList, commandSpecs } from '../../src/host/commands.ts';

describe('the command table', () => {
  test('no two commands share a page key', () => {
    const keys = commandList.flatMap((c) => (c.keys ?? []).map(chordName));
    expect(keys.length).toBeGreaterThan(10);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('no two commands share a label', () => {
    const labels = commandList.map((c) => c.label);
    expect(new Set(labels).size).toBe(labels.length);
  });

  test('keys read as Help shows them', () => {
    expect(commandSpecs['save-as'].keys.map(chordName)).toEqual(['Ctrl+Shift+S']);
    expect(commandSpecs.redo.keys.map(chordName)).toEqual(['Ctrl+Shift+Z', 'Ctrl+Y']);
    expect(commandSpecs['show-shortcuts'].keys.map(chordName)).toEqual(['?']);
    expect(commandSpecs.layout.keys.map(chordName)).toEqual(['L']);
  });

  test('commands with a menu accelerator are sent by the menus', () => {
    const withAccelerator = commandList.filter((c) => c.accelerator !== undefined);
    expect(withAccelerator.filter((c) => c.inMenus !== true).map((c) => c.id)).toEqual([]);
  });
});
