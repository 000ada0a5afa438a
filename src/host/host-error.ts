// What a host's file operations reject with: a NetloomError ('io') whose message names the file
// and the reason, written for the user (the renderer shows it as it is).
import { NetloomError } from '../util/errors.ts';

export class HostIoError extends NetloomError {
  constructor(message: string, place: { path?: string } = {}) {
    super('io', message, place);
  }
}
