export declare function serveStatic(
  dir: string,
  port?: number,
): Promise<{ url: string; close: () => Promise<void> }>;
export declare const contentSecurityPolicy: string;
export declare function isLocalHost(host: string | undefined): boolean;
