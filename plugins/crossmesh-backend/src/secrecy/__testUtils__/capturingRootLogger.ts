import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { WinstonLogger } from '@backstage/backend-defaults/rootLogger';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';

const MESSAGE = Symbol.for('message');

/**
 * A winston transport (an object-mode stream with `log`) that keeps every entry: the line
 * the formatter wrote and the whole entry with its metadata, errors and stacks.
 */
class CapturingTransport extends Writable {
  constructor(private readonly lines: string[]) {
    super({ objectMode: true });
  }

  log(info: Record<string | symbol, unknown>, callback: () => void) {
    this.lines.push(
      `${String(info[MESSAGE] ?? '')}\n${inspect(info, {
        depth: 20,
        breakLength: Infinity,
        maxStringLength: Infinity,
        maxArrayLength: Infinity,
      })}`,
    );
    callback();
  }

  override _write(
    info: Record<string | symbol, unknown>,
    _encoding: string,
    callback: () => void,
  ) {
    this.log(info, callback);
  }
}

/**
 * Backstage's real root logger (WinstonLogger, as the default root logger service makes it,
 * every plugin's logger a child of it) at debug level, writing each entry into `lines`.
 * No redactions are added, so a secret that reached the logger is seen here.
 */
export function capturingRootLoggerFactory(lines: string[]) {
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory() {
      const previous = process.env.LOG_LEVEL;
      // WinstonLogger takes LOG_LEVEL over the level it is given.
      process.env.LOG_LEVEL = 'debug';
      try {
        return WinstonLogger.create({
          meta: { service: 'backstage' },
          level: 'debug',
          transports: [new CapturingTransport(lines) as any],
        });
      } finally {
        if (previous === undefined) delete process.env.LOG_LEVEL;
        else process.env.LOG_LEVEL = previous;
      }
    },
  });
}
