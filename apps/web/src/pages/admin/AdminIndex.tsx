import { Navigate } from 'react-router';
import { adminSectionsOf, useMe } from '../../auth.tsx';

export default function AdminIndex() {
  const me = useMe();
  const first = adminSectionsOf(me.data)[0];
  return first ? <Navigate to={`/admin/${first}`} replace /> : null;
}
