import { roleMay } from '@mall/shared';
import { useSignedInStaff } from '../../session/session.tsx';

/** Whether the signed-in role may change the catalog; the others see it read-only (the API refuses them anyway). */
export function useCatalogWriter(): boolean {
  return roleMay(useSignedInStaff().role, 'catalog.write');
}
