// Closing with unsaved changes asks Save / Don't Save / Cancel. "Save" cannot finish in main (the
// renderer owns the document), so it asks the renderer to save and closes once the renderer
// reports the document clean; a cancelled or failed save cancels the close instead.

export type CloseChoice = 'save' | 'discard' | 'cancel';
/** What main should do next. */
export type CloseAction = 'none' | 'close' | 'ask' | 'request-save';

export class CloseGuard {
  #dirty = false;
  #closeAfterSave = false;
  #closing = false;

  /** A new window (macOS keeps the app running after the last one closed) starts clean. */
  reset(): void {
    this.#dirty = false;
    this.#closeAfterSave = false;
    this.#closing = false;
  }

  get dirty(): boolean {
    return this.#dirty;
  }

  /** The window's close event: 'close' lets it go, 'ask' means prevent it and ask the user. */
  onCloseRequested(): CloseAction {
    if (this.#closing || !this.#dirty) return 'close';
    return 'ask';
  }

  onAnswer(choice: CloseChoice): CloseAction {
    switch (choice) {
      case 'save':
        this.#closeAfterSave = true;
        return 'request-save';
      case 'discard':
        this.#closing = true;
        return 'close';
      case 'cancel':
        this.#closeAfterSave = false;
        return 'none';
    }
  }

  /** The renderer's dirty flag; turning clean after a "Save" answer completes the close. */
  setDirty(dirty: boolean): CloseAction {
    this.#dirty = dirty;
    if (!dirty && this.#closeAfterSave) {
      this.#closeAfterSave = false;
      this.#closing = true;
      return 'close';
    }
    return 'none';
  }

  /** A save dialog cancelled or a write failed: the document stays open (and dirty). */
  onSaveAbandoned(): void {
    this.#closeAfterSave = false;
  }
}
