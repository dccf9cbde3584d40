import {
  ExposureRequest,
  ExposureRequestState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { ExposureStore } from './ExposureStore';

const PAGE = 500;

/**
 * Every request in `states`, read a page at a time.
 *
 * @internal
 */
export async function listAllRequests(
  store: Pick<ExposureStore, 'listRequests'>,
  states: readonly ExposureRequestState[],
): Promise<ExposureRequest[]> {
  const all: ExposureRequest[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.listRequests({
      states: [...states],
      limit: PAGE,
      offset,
    });
    all.push(...page.items);
    if (page.items.length < PAGE) return all;
  }
}
