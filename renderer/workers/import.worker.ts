// Opening files off the page's thread: ONNX decoding, the import, its conversion to a document and
// layout, and a project's parsing and checking (renderer/lib/import-work.ts), so that opening a
// 5,000-node model never blocks input. elkjs (the layout of small imports) runs here directly.
// elkjs's bundle claims `self.onmessage` when it loads inside a worker (it can be a worker itself);
// this module's own handler, set after the imports have run, replaces that claim.
import { autoLayout } from '../lib/layout.ts';
import { answerImport } from '../lib/import-work.ts';

self.onmessage = (e: MessageEvent<unknown>) => {
  void answerImport(e.data, autoLayout).then(({ reply, transfer }) => self.postMessage(reply, { transfer }));
};
