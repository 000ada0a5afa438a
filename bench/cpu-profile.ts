// A V8 CPU profile as the DevTools protocol's Profiler.stop returns it (and as a .cpuprofile file
// holds it): the two profile readers of the bench (editor-browser-profile.ts, profile-tree.ts) share it.

export interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: readonly number[];
}

export interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** A function as a person finds it in the sources: its name, file and line. */
export const frameName = (n: ProfileNode): string => {
  const f = n.callFrame;
  const file = f.url.split('/').pop() ?? '';
  return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
};
