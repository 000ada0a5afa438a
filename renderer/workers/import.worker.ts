// Opening files off the page's thread: ONNX decoding, the import, its conversion to a document and
// layout, and a project's parsing and checking (renderer/lib/import-work.ts), so that opening a
// 5,000-node model never blocks input. elkjs (the layout of small imports) runs here directly,
// loaded with the first import small enough for it: its bundle is most of this worker's code, and
// the worker starts as the Open dialog opens, so a file chosen at once waits for the start (the
// 0.7–0.9 s it took with elkjs, measured on a loaded machine).
// elkjs's bundle claims `self.onmessage` when it loads inside a worker (it can be a worker itself):
// this module's own handler is set again after it has loaded.
import type { ElkLayout } from '../lib/import-layout.ts';
import { answerImport } from '../lib/import-work.ts';

const elk: ElkLayout = async (doc) => {
  const { autoLayout } = await import('../lib/layout.ts');
  self.onmessage = answer;
  return autoLayout(doc);
};

function answer(e: MessageEvent<unknown>): void {
  void answerImport(e.data, elk).then(({ reply, transfer }) => self.postMessage(reply, { transfer }));
}

self.onmessage = answer;
