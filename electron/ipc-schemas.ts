// Every IPC payload is untrusted until these schemas pass it: the renderer shows web content,
// and a compromised renderer must not get more than the Host interface offers.
import { z } from 'zod';
import { nativeEditCommands } from './channels.ts';

/** Larger than any project or exported model we expect (ResNet-50 is ~100 MB), bounded all the same. */
export const maxFileBytes = 1024 * 1024 * 1024;
const maxPathChars = 4096;

const bytes = z
  .instanceof(Uint8Array)
  .refine((b) => b.byteLength <= maxFileBytes, { message: `at most ${maxFileBytes} bytes` });

const path = z
  .string()
  .min(1)
  .max(maxPathChars)
  .refine((p) => !p.includes('\0'), { message: 'no NUL in paths' });

const fileFilter = z.strictObject({
  name: z.string().min(1).max(100),
  extensions: z
    .array(z.string().regex(/^(\*|[A-Za-z0-9][A-Za-z0-9.]{0,15})$/))
    .min(1)
    .max(20),
});
const filters = z.array(fileFilter).max(10);

export const openFileRequest = z.strictObject({ filters });
/** recent-files takes no argument. */
export const recentFilesRequest = z.undefined();
export const openPathRequest = z.strictObject({ path });
export const saveFileRequest = z.strictObject({
  bytes,
  path: path.optional(),
  // A bare name: the dialog picks the folder, so separators would smuggle in a location.
  suggestedName: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^/\\\0]+$/),
  filters,
});
export const setTitleRequest = z.strictObject({ title: z.string().max(300), dirty: z.boolean() });
export const setDirtyRequest = z.strictObject({ dirty: z.boolean() });
export const autosaveRequest = z.strictObject({
  bytes,
  meta: z.strictObject({ path: path.optional(), name: z.string().min(1).max(255) }),
});
/**
 * Files dropped on the window, each with what proves the drop: the SHA-256 and size of the bytes the
 * preload read from the real File object. Main reads the file and grants it only when they agree.
 */
export const droppedFilesRequest = z.strictObject({
  files: z
    .array(
      z.strictObject({
        path,
        size: z.number().int().nonnegative().max(maxFileBytes),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      }),
    )
    .min(1)
    .max(16),
});
export const nativeEditRequest = z.strictObject({ command: z.enum(nativeEditCommands) });

export type OpenFileRequest = z.infer<typeof openFileRequest>;
export type OpenPathRequest = z.infer<typeof openPathRequest>;
export type SaveFileRequest = z.infer<typeof saveFileRequest>;
export type SetTitleRequest = z.infer<typeof setTitleRequest>;
export type SetDirtyRequest = z.infer<typeof setDirtyRequest>;
export type AutosaveRequest = z.infer<typeof autosaveRequest>;
export type DroppedFilesRequest = z.infer<typeof droppedFilesRequest>;
export type NativeEditRequest = z.infer<typeof nativeEditRequest>;

/** Refusal of a malformed payload, with the first problem named (logged in main, never shown raw). */
export class IpcPayloadError extends Error {
  readonly channel: string;
  constructor(channel: string, detail: string) {
    super(`IPC "${channel}": refused malformed payload (${detail})`);
    this.name = 'IpcPayloadError';
    this.channel = channel;
  }
}

/** Parses a payload or throws IpcPayloadError; callers never see an unvalidated value. */
export function parsePayload<T>(schema: z.ZodType<T>, channel: string, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
    throw new IpcPayloadError(channel, `${where}${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}
