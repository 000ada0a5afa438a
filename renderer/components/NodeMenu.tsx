// A layer's or a block's right-click menu, as in MATLAB's Deep Network Designer and Neural Network
// Console: each item runs the command its shortcut runs (renderer/lib/commands.ts), so an item and
// its key do the same thing, one undo step each. It acts on the selection, which the right-click set.
import { chordName } from '../../src/host/commands.ts';
import type { CommandId } from '../../src/host/commands.ts';
import { command, isEnabled, pasteClip, selectedBlock } from '../lib/commands.ts';
import { selectedNodes } from '../../src/document/edits.ts';
import { useEditor } from '../store/document-store.ts';
import { echo } from '../../src/util/text.ts';
import type { MenuItem } from './ContextMenu.tsx';
import { ContextMenu } from './ContextMenu.tsx';

/** The menu's title: what it acts on, as the canvas names it. */
function titleOf(): string {
  const st = useEditor.getState();
  const gid = selectedBlock(st);
  if (gid) return `Block "${echo(st.doc.groups.find((g) => g.id === gid)!.name, 40)}"`;
  if (st.selection.length === 1) {
    const n = st.doc.nodes.find((x) => x.id === st.selection[0]);
    if (n) return echo(n.name ?? n.id, 40);
  }
  return `${selectedNodes(st.doc, st.selection).size} layers`;
}

export function NodeMenu(props: {
  x: number;
  y: number;
  /** Where Paste puts the copied layers: where the menu opened, in flow coordinates. */
  pasteAt: { x: number; y: number };
  run: (id: CommandId) => void;
  onClose: () => void;
}) {
  const st = useEditor.getState();
  const item = (id: CommandId, label?: string, separated?: true): MenuItem => {
    const c = command(id);
    const key = c.keys?.[0];
    return {
      label: label ?? c.label,
      keys: key ? chordName(key) : id === 'delete' ? 'Del' : undefined,
      disabled: !isEnabled(c, st),
      run: () => props.run(id),
      ...(separated ? { separated } : {}),
    };
  };
  const gid = selectedBlock(st);
  const collapsed = gid !== undefined && st.doc.groups.find((g) => g.id === gid)!.collapsed;
  const items: MenuItem[] = [
    item('cut'),
    item('copy'),
    { ...item('paste'), disabled: false, run: () => void pasteClip(props.pasteAt) },
    item('duplicate'),
    item('delete'),
    item('rename', undefined, true),
    item('group', 'Group…'),
    ...(gid ? [item('ungroup'), item('toggle-collapse', collapsed ? 'Expand block' : 'Collapse block')] : []),
    // Freezing: whichever applies (a block may hold both kinds), then fine-tuning's shortcut.
    ...(isEnabled(command('freeze'), st) ? [item('freeze', undefined, true)] : []),
    ...(isEnabled(command('unfreeze'), st)
      ? [item('unfreeze', undefined, isEnabled(command('freeze'), st) ? undefined : true)]
      : []),
    item('train-only-selection', 'Train only this'),
  ];
  return (
    <ContextMenu
      x={props.x}
      y={props.y}
      testId="node-menu"
      title={titleOf()}
      items={items}
      onClose={props.onClose}
    />
  );
}
