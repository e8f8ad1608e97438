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
const CaseInboxPage = lazy(() => import('./pages/workbench/Inbox.tsx'));
const CaseDetailPage = lazy(() => import('./pages/workbench/CaseDetail.tsx'));
const ApplyPage = lazy(() => import('./pages/apply/Apply.tsx'));
const MyCasesPage = lazy(() => import('./pages/apply/MyCases.tsx'));
const MyCaseDetailPage = lazy(() => import('./pages/apply/CaseDetail.tsx'));
const TrackPage = lazy(() => import('./pages/apply/Track.tsx'));
const BundlesPage = lazy(() => import('./pages/bundles/Bundles.tsx'));
const BundleGuidePage = lazy(() => import('./pages/bundles/BundleGuide.tsx'));
const BundleCasePage = lazy(() => import('./pages/bundles/BundleCase.tsx'));
const AdminLayout = lazy(() => import('./pages/admin/AdminLayout.tsx'));
const RegionsPage = lazy(() => import('./pages/admin/Regions.tsx'));
const GridsPage = lazy(() => import('./pages/admin/Grids.tsx'));
const DepartmentsPage = lazy(() => import('./pages/admin/Departments.tsx'));
const StaffPage = lazy(() => import('./pages/admin/Staff.tsx'));
const SsoClientsPage = lazy(() => import('./pages/admin/SsoClients.tsx'));
const AuditPage = lazy(() => import('./pages/admin/Audit.tsx'));
const AdminIndex = lazy(() => import('./pages/admin/AdminIndex.tsx'));
const CatalogPage = lazy(() => import('./pages/admin/Catalog.tsx'));
const CatalogEditorPage = lazy(() => import('./pages/admin/CatalogEditor.tsx'));
const CalendarPage = lazy(() => import('./pages/admin/Calendar.tsx'));
const BundlesAdminPage = lazy(() => import('./pages/admin/Bundles.tsx'));
const BundleEditorPage = lazy(() => import('./pages/admin/BundleEditor.tsx'));
const PowerListPage = lazy(() => import('./pages/portal/PowerList.tsx'));
const NotificationsPage = lazy(() => import('./pages/notifications/Notifications.tsx'));
const OutboxPage = lazy(() => import('./pages/notifications/Outbox.tsx'));
const EvaluationsPage = lazy(() => import('./pages/evaluation/Evaluations.tsx'));
const RectificationPage = lazy(() => import('./pages/evaluation/RectificationDetail.tsx'));
const WalletPage = lazy(() => import('./pages/licences/Wallet.tsx'));
const WalletDetailPage = lazy(() => import('./pages/licences/WalletDetail.tsx'));
const VerifyPage = lazy(() => import('./pages/licences/Verify.tsx'));
const ShowVerifyPage = lazy(() => import('./pages/licences/ShowVerify.tsx'));
const StaffLicencesPage = lazy(() => import('./pages/licences/StaffLicences.tsx'));
const StaffLicenceDetailPage = lazy(() => import('./pages/licences/StaffLicenceDetail.tsx'));
const IssueLicencePage = lazy(() => import('./pages/licences/IssueLicence.tsx'));
const SealsPage = lazy(() => import('./pages/licences/AdminSeals.tsx'));
const LicenceTypesPage = lazy(() => import('./pages/licences/AdminTypes.tsx'));
const TrustListPage = lazy(() => import('./pages/licences/AdminTrust.tsx'));
const DataPage = lazy(() => import('./pages/data/DataPage.tsx'));
const DataResourcePage = lazy(() => import('./pages/data/ResourceDetail.tsx'));

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
          <Route path="services/power-list" element={<PowerListPage />} />
          <Route path="services/:taskCode" element={<ServiceGuidePage />} />
          <Route
            path="services/:taskCode/apply"
            element={
              <RequireAuth>
                <ApplyPage />
              </RequireAuth>
            }
          />
          <Route
            path="my/cases"
            element={
              <RequireAuth>
                <MyCasesPage />
              </RequireAuth>
            }
          />
          <Route
            path="my/cases/:id"
            element={
              <RequireAuth>
                <MyCaseDetailPage />
              </RequireAuth>
            }
          />
          <Route
            path="my/licences"
            element={
              <RequireAuth>
                <WalletPage />
              </RequireAuth>
            }
          />
          <Route
            path="my/licences/:id"
            element={
              <RequireAuth>
                <WalletDetailPage />
              </RequireAuth>
            }
          />
          <Route path="verify" element={<VerifyPage />} />
          <Route path="verify/show/:token" element={<ShowVerifyPage />} />
          <Route path="verify/:identifier" element={<VerifyPage />} />
          <Route path="track" element={<TrackPage />} />
          <Route path="bundles" element={<BundlesPage />} />
          <Route path="bundles/:code" element={<BundleGuidePage />} />
          <Route
            path="my/bundles/:id"
            element={
              <RequireAuth>
                <BundleCasePage />
              </RequireAuth>
            }
          />
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
            path="notifications"
            element={
              <RequireAuth>
                <NotificationsPage />
              </RequireAuth>
            }
          />
          <Route
            path="workbench"
            element={
              <RequireAuth staff>
                <WorkbenchPage />
              </RequireAuth>
            }
          />
          <Route
            path="workbench/cases"
            element={
              <RequireAuth staff>
                <CaseInboxPage />
              </RequireAuth>
            }
          />
          <Route
            path="workbench/cases/:id"
            element={
              <RequireAuth staff>
                <CaseDetailPage />
              </RequireAuth>
            }
          />
          <Route
            path="workbench/evaluations"
            element={
              <RequireAuth staff>
                <EvaluationsPage />
              </RequireAuth>
            }
          />
          <Route
            path="workbench/evaluations/:id"
            element={
              <RequireAuth staff>
                <RectificationPage />
              </RequireAuth>
            }
          />
          <Route
            path="workbench/licences"
            element={
              <RequireAuth staff>
                <StaffLicencesPage />
              </RequireAuth>
            }
          />
          <Route
            path="workbench/licences/new"
            element={
              <RequireAuth staff>
                <IssueLicencePage />
              </RequireAuth>
            }
          />
          <Route
            path="workbench/licences/:id"
            element={
              <RequireAuth staff>
                <StaffLicenceDetailPage />
              </RequireAuth>
            }
          />
          <Route
            path="data"
            element={
              <RequireAuth staff>
                <DataPage />
              </RequireAuth>
            }
          />
          <Route
            path="data/resources/:id"
            element={
              <RequireAuth staff>
                <DataResourcePage />
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
            <Route path="catalog" element={<CatalogPage />} />
            <Route path="catalog/new" element={<CatalogEditorPage />} />
            <Route path="catalog/:taskCode" element={<CatalogEditorPage />} />
            <Route path="bundles" element={<BundlesAdminPage />} />
            <Route path="bundles/new" element={<BundleEditorPage />} />
            <Route path="bundles/:code" element={<BundleEditorPage />} />
            <Route path="calendar" element={<CalendarPage />} />
            <Route path="outbox" element={<OutboxPage />} />
            <Route path="seals" element={<SealsPage />} />
            <Route path="licence-types" element={<LicenceTypesPage />} />
            <Route path="trust-list" element={<TrustListPage />} />
          </Route>
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
