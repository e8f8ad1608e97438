import { Button, Result } from 'antd';
import { lazy, Suspense } from 'react';
import { Route, Routes, useNavigate } from 'react-router';
import { Loading, RequireAuth } from './auth.tsx';
import { useT } from './i18n/index.tsx';
import { AppLayout } from './layout/AppLayout.tsx';
import { AccountPage } from './pages/account/Account.tsx';
import { ConsentPage } from './pages/account/Consent.tsx';
import { LoginPage } from './pages/account/Login.tsx';
import { RegisterPage } from './pages/account/Register.tsx';
import { SecurityPage } from './pages/account/Security.tsx';
import { HomePage } from './pages/portal/Home.tsx';
import { ServiceGuidePage, ServicesPage } from './pages/portal/Services.tsx';

const WorkbenchPage = lazy(() => import('./pages/workbench/Workbench.tsx'));
const AdminLayout = lazy(() => import('./pages/admin/AdminLayout.tsx'));
const RegionsPage = lazy(() => import('./pages/admin/Regions.tsx'));
const GridsPage = lazy(() => import('./pages/admin/Grids.tsx'));
const DepartmentsPage = lazy(() => import('./pages/admin/Departments.tsx'));
const StaffPage = lazy(() => import('./pages/admin/Staff.tsx'));
const SsoClientsPage = lazy(() => import('./pages/admin/SsoClients.tsx'));
const AuditPage = lazy(() => import('./pages/admin/Audit.tsx'));
const AdminIndex = lazy(() => import('./pages/admin/AdminIndex.tsx'));

function NotFound() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('common.notFound')}
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('nav.portal')}
        </Button>
      }
    />
  );
}

export function App() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route element={<AppLayout />}>
          <Route index element={<HomePage />} />
          <Route path="services" element={<ServicesPage />} />
          <Route path="services/:taskCode" element={<ServiceGuidePage />} />
          <Route path="register" element={<RegisterPage />} />
          <Route path="login" element={<LoginPage />} />
          <Route
            path="account"
            element={
              <RequireAuth>
                <AccountPage />
              </RequireAuth>
            }
          />
          <Route
            path="account/security"
            element={
              <RequireAuth allowMfaPending>
                <SecurityPage />
              </RequireAuth>
            }
          />
          <Route path="sso/consent/:uid" element={<ConsentPage />} />
          <Route
            path="workbench"
            element={
              <RequireAuth staff>
                <WorkbenchPage />
              </RequireAuth>
            }
          />
          <Route
            path="admin"
            element={
              <RequireAuth>
                <AdminLayout />
              </RequireAuth>
            }
          >
            <Route index element={<AdminIndex />} />
            <Route path="regions" element={<RegionsPage />} />
            <Route path="grids" element={<GridsPage />} />
            <Route path="departments" element={<DepartmentsPage />} />
            <Route path="staff" element={<StaffPage />} />
            <Route path="sso-clients" element={<SsoClientsPage />} />
            <Route path="audit" element={<AuditPage />} />
          </Route>
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
