import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
} from 'antd';
import { useState } from 'react';
import { api, applyFormError, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { PHONE_RE } from '../account/validators.ts';
import { type Page, PageTitle } from './common.tsx';
import { useDepartments } from './Departments.tsx';

interface StaffRole {
  grantId: string;
  roleId: string;
  roleCode: string;
  roleName: string;
  regionCode: string | null;
  departmentId: string | null;
}

interface Staff {
  id: string;
  accountId: string;
  username: string;
  name: string;
  departmentId: string | null;
  departmentName: string | null;
  regionCode: string | null;
  title: string | null;
  active: boolean;
  roles: StaffRole[];
}

interface Role {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
  permissions: string[];
  isAdmin: boolean;
}

const REGION_RULE = { pattern: /^\d{6}(\d{3}|\d{6})?$/ };

function useRoles() {
  return useQuery({ queryKey: ['roles'], queryFn: () => api.get<{ items: Role[] }>('/org/roles') });
}

function StaffTab() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [filters, setFilters] = useState<{ departmentId?: string; q?: string }>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [creating, setCreating] = useState(false);
  const [granting, setGranting] = useState<Staff | null>(null);
  const [busy, setBusy] = useState(false);
  const [createForm] = Form.useForm();
  const [grantForm] = Form.useForm();
  const departments = useDepartments();
  const roles = useRoles();
  const staff = useQuery({
    queryKey: ['staff', filters, page, pageSize],
    queryFn: () => api.get<Page<Staff>>('/org/staff', { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });
  const deptOptions = (departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }));
  const roleName = (r: Pick<Role, 'name' | 'nameEn'>) => (lang === 'en' && r.nameEn ? r.nameEn : r.name);

  const refresh = () => void qc.invalidateQueries({ queryKey: ['staff'] });

  const create = async (v: Record<string, string | undefined>) => {
    setBusy(true);
    try {
      await api.post('/org/staff', {
        username: v.username?.trim(),
        name: v.name?.trim(),
        password: v.password,
        departmentId: v.departmentId,
        regionCode: v.regionCode?.trim(),
        ...(v.title?.trim() ? { title: v.title.trim() } : {}),
        ...(v.phone?.trim() ? { phone: v.phone.trim() } : {}),
      });
      message.success(t('common.saved'));
      setCreating(false);
      createForm.resetFields();
      refresh();
    } catch (e) {
      const text = applyFormError(createForm, e, lang);
      if (text) message.error(text);
    } finally {
      setBusy(false);
    }
  };

  const grant = async (v: { roleId: string; regionCode?: string; departmentId?: string }) => {
    if (!granting) return;
    setBusy(true);
    try {
      await api.post(`/org/staff/${granting.id}/grants`, {
        roleId: v.roleId,
        regionCode: v.regionCode?.trim() || null,
        departmentId: v.departmentId || null,
      });
      message.success(t('common.saved'));
      setGranting(null);
      refresh();
    } catch (e) {
      const text = applyFormError(grantForm, e, lang);
      if (text) message.error(text);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (s: Staff, r: StaffRole) => {
    try {
      await api.del(`/org/staff/${s.id}/grants/${r.grantId}`);
      message.success(t('staff.revoked'));
      refresh();
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };

  return (
    <>
      <Form
        name="staffFilter"
        layout="inline"
        className="yw-toolbar"
        onFinish={(v: { departmentId?: string; q?: string }) => {
          setPage(1);
          setFilters({ departmentId: v.departmentId || undefined, q: v.q?.trim() || undefined });
        }}
      >
        <Form.Item label={t('staff.filterDepartment')} name="departmentId">
          <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={deptOptions} style={{ width: 220 }} />
        </Form.Item>
        <Form.Item label={t('common.keyword')} name="q">
          <Input allowClear style={{ width: 180 }} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button htmlType="submit">{t('common.search')}</Button>
            <Button
              type="primary"
              onClick={() => {
                createForm.resetFields();
                setCreating(true);
              }}
            >
              {t('staff.create')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      {staff.isError && (
        <Alert type="error" showIcon title={errorText(staff.error, lang)} style={{ marginBottom: 16 }} />
      )}
      <Table<Staff>
        rowKey="id"
        loading={staff.isFetching}
        dataSource={staff.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize,
          total: staff.data?.total ?? 0,
          showSizeChanger: true,
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
        columns={[
          { title: t('staff.username'), dataIndex: 'username' },
          { title: t('register.name'), dataIndex: 'name' },
          { title: t('staff.department'), dataIndex: 'departmentName' },
          { title: t('staff.region'), dataIndex: 'regionCode' },
          { title: t('staff.title'), dataIndex: 'title' },
          {
            title: t('staff.status'),
            dataIndex: 'active',
            render: (a: boolean) =>
              a ? <Tag color="green">{t('staff.active')}</Tag> : <Tag color="red">{t('staff.inactive')}</Tag>,
          },
          {
            title: t('staff.roles'),
            key: 'roles',
            render: (_, s) => (
              <Space wrap size={4}>
                {s.roles.map((r) => (
                  <Tag key={r.grantId} color="blue">
                    {r.roleName}
                    {r.regionCode ? ` @${r.regionCode}` : ''}
                    <Popconfirm
                      title={t('staff.revokeConfirm', { role: r.roleName })}
                      onConfirm={() => void revoke(s, r)}
                    >
                      <Button
                        type="link"
                        size="small"
                        style={{ padding: '0 0 0 4px', height: 'auto' }}
                        aria-label={t('staff.revokeLabel', { role: r.roleName, name: s.name })}
                      >
                        ×
                      </Button>
                    </Popconfirm>
                  </Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, s) => (
              <Button
                size="small"
                onClick={() => {
                  grantForm.resetFields();
                  grantForm.setFieldsValue({ regionCode: s.regionCode ?? undefined });
                  setGranting(s);
                }}
              >
                {t('staff.grant')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('staff.create')}
        onCancel={() => setCreating(false)}
        onOk={() => createForm.submit()}
        confirmLoading={busy}
        forceRender
      >
        <Form name="staffCreate" form={createForm} layout="vertical" onFinish={create}>
          <Form.Item
            label={t('staff.username')}
            name="username"
            rules={[
              { required: true, message: t('form.required') },
              { pattern: /^[A-Za-z][A-Za-z0-9._-]{2,63}$/, message: t('staff.usernameInvalid') },
            ]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item
            label={t('register.name')}
            name="name"
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            label={t('staff.initialPassword')}
            name="password"
            rules={[
              { required: true, message: t('form.required') },
              { min: 8, message: t('form.passwordShort') },
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            label={t('staff.department')}
            name="departmentId"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Select showSearch={{ optionFilterProp: 'label' }} options={deptOptions} />
          </Form.Item>
          <Form.Item
            label={t('staff.region')}
            name="regionCode"
            rules={[
              { required: true, message: t('form.required') },
              { ...REGION_RULE, message: t('regions.codeInvalid') },
            ]}
          >
            <Input inputMode="numeric" maxLength={12} />
          </Form.Item>
          <Form.Item label={t('staff.title')} name="title">
            <Input />
          </Form.Item>
          <Form.Item
            label={t('register.phone')}
            name="phone"
            rules={[{ pattern: PHONE_RE, message: t('form.phoneInvalid') }]}
          >
            <Input maxLength={11} inputMode="tel" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={granting !== null}
        title={granting ? t('staff.grantTo', { name: granting.name }) : t('staff.grant')}
        onCancel={() => setGranting(null)}
        onOk={() => grantForm.submit()}
        confirmLoading={busy}
        forceRender
      >
        <Form name="staffGrant" form={grantForm} layout="vertical" onFinish={grant}>
          <Form.Item label={t('staff.role')} name="roleId" rules={[{ required: true, message: t('form.required') }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={(roles.data?.items ?? []).map((r) => ({ value: r.id, label: `${roleName(r)}（${r.code}）` }))}
            />
          </Form.Item>
          <Form.Item
            label={t('staff.scopeRegion')}
            name="regionCode"
            extra={t('staff.scopeHelp')}
            rules={[{ ...REGION_RULE, message: t('regions.codeInvalid') }]}
          >
            <Input inputMode="numeric" maxLength={12} />
          </Form.Item>
          <Form.Item label={t('staff.scopeDepartment')} name="departmentId">
            <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={deptOptions} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function RolesTab() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const roles = useRoles();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();

  const create = async (v: {
    code: string;
    name: string;
    nameEn?: string;
    permissions?: string[];
    isAdmin?: boolean;
  }) => {
    setBusy(true);
    try {
      await api.post('/org/roles', {
        code: v.code.trim(),
        name: v.name.trim(),
        nameEn: v.nameEn?.trim() || v.code.trim(),
        permissions: (v.permissions ?? []).map((p) => p.trim()).filter(Boolean),
        isAdmin: !!v.isAdmin,
      });
      message.success(t('common.saved'));
      setOpen(false);
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['roles'] });
    } catch (e) {
      const text = applyFormError(form, e, lang);
      if (text) message.error(text);
    } finally {
      setBusy(false);
    }
  };

  const knownPermissions = [...new Set((roles.data?.items ?? []).flatMap((r) => r.permissions))].sort();

  return (
    <>
      <div className="yw-toolbar">
        <Button type="primary" onClick={() => setOpen(true)}>
          {t('roles.create')}
        </Button>
      </div>
      {roles.isError && (
        <Alert type="error" showIcon title={errorText(roles.error, lang)} style={{ marginBottom: 16 }} />
      )}
      <Table<Role>
        rowKey="id"
        loading={roles.isFetching}
        dataSource={roles.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('roles.code'), dataIndex: 'code' },
          { title: t('roles.name'), dataIndex: 'name' },
          { title: t('roles.nameEn'), dataIndex: 'nameEn' },
          {
            title: t('roles.permissions'),
            dataIndex: 'permissions',
            render: (ps: string[]) => (
              <Space wrap size={4}>
                {ps.map((p) => (
                  <Tag key={p}>{p}</Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t('roles.isAdmin'),
            dataIndex: 'isAdmin',
            render: (a: boolean) => (a ? <Tag color="red">{t('common.yes')}</Tag> : t('common.no')),
          },
        ]}
      />
      <Modal
        open={open}
        title={t('roles.create')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        forceRender
      >
        <Form
          name="roleCreate"
          form={form}
          layout="vertical"
          onFinish={create}
          initialValues={{ isAdmin: false, permissions: [] }}
        >
          <Form.Item
            label={t('roles.code')}
            name="code"
            rules={[
              { required: true, message: t('form.required') },
              { pattern: /^[a-z][a-z0-9_.-]*$/, message: t('roles.codeInvalid') },
            ]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            label={t('roles.name')}
            name="name"
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item label={t('roles.nameEn')} name="nameEn">
            <Input lang="en" />
          </Form.Item>
          <Form.Item label={t('roles.permissions')} name="permissions" extra={t('roles.permissionsHelp')}>
            <Select
              mode="tags"
              tokenSeparators={[',', ' ']}
              options={knownPermissions.map((p) => ({ value: p, label: p }))}
            />
          </Form.Item>
          <Form.Item label={t('roles.isAdmin')} name="isAdmin" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

export default function StaffPage() {
  const { t } = usePrefs();
  return (
    <>
      <PageTitle>{t('admin.menu.staff')}</PageTitle>
      <Tabs
        destroyOnHidden
        items={[
          { key: 'staff', label: t('staff.tab'), children: <StaffTab /> },
          { key: 'roles', label: t('roles.tab'), children: <RolesTab /> },
        ]}
      />
    </>
  );
}
