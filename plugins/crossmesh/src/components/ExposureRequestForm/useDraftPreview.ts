import { useApi } from '@backstage/core-plugin-api';
import {
  ExposurePreview,
  NewExposureRequest,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { useEffect, useState } from 'react';
import { crossmeshApiRef } from '../../api';

/** How long typing must pause before the preview is asked for. */
export const PREVIEW_DEBOUNCE_MS = 500;

interface DraftPreviewState {
  loading: boolean;
  preview?: ExposurePreview;
  error?: Error;
}

/**
 * The manifests a draft request would apply, asked for once typing pauses; nothing while
 * there is no valid draft. Answers to older drafts are dropped.
 */
export function useDraftPreview(
  draft: NewExposureRequest | undefined,
): DraftPreviewState {
  const crossmeshApi = useApi(crossmeshApiRef);
  const key = draft ? JSON.stringify(draft) : '';
  const [state, setState] = useState<DraftPreviewState>({ loading: false });

  useEffect(() => {
    if (!key) {
      setState({ loading: false });
      return undefined;
    }
    let current = true;
    setState({ loading: true });
    const timer = setTimeout(() => {
      crossmeshApi.previewExposureDraft(JSON.parse(key)).then(
        preview => current && setState({ loading: false, preview }),
        error => current && setState({ loading: false, error }),
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [crossmeshApi, key]);

  return state;
}
