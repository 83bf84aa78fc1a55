import { roleMay } from '@mall/shared';
import { useSignedInStaff } from '../../session/session.tsx';

/** Whether the signed-in role may change stores and guides; the others see them read-only (the API refuses them anyway). */
export function useGuidesWriter(): boolean {
  return roleMay(useSignedInStaff().role, 'guides.write');
}
