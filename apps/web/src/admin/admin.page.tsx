// Community administration for tenant owners and admins: the report queue (grouped by reported
// user), users (roles and sanctions), channels, the audit log and tenant settings. The server
// decides who may do what.
import { useQuery } from '@apollo/client';
import { MyTenantAccessDocument } from '@chatter/client';
import type { AdminTab } from '../app/router';
import { Page } from '../ui/page';
import { ReportQueue } from './report-queue';
import { AdminUsers } from './admin-users';
import { AuditLogView } from './audit-log-view';
import { AdminChannels } from './admin-channels';
import { TenantSettings } from './tenant-settings';
import './admin.css';

const TABS: { tab: AdminTab; label: string }[] = [
  { tab: 'reports', label: 'Reports' },
  { tab: 'users', label: 'Users' },
  { tab: 'channels', label: 'Channels' },
  { tab: 'audit', label: 'Audit log' },
  { tab: 'settings', label: 'Tenant settings' },
];

export function AdminPage({ tab }: { tab: AdminTab }) {
  const { data } = useQuery(MyTenantAccessDocument);
  const role = data?.myTenantAccess.role ?? null;
  return (
    <Page title="Administration">
      <nav className="admin-tabs" aria-label="Administration sections">
        {TABS.map((t) => (
          <a
            key={t.tab}
            href={`#/admin/${t.tab}`}
            className={`admin-tabs__item ${t.tab === tab ? 'admin-tabs__item--on' : ''}`}
            aria-current={t.tab === tab ? 'page' : undefined}
          >
            {t.label}
          </a>
        ))}
      </nav>
      {tab === 'reports' && <ReportQueue canSanction={role !== null} />}
      {tab === 'users' && <AdminUsers />}
      {tab === 'channels' && <AdminChannels />}
      {tab === 'audit' && <AuditLogView />}
      {tab === 'settings' && <TenantSettings />}
    </Page>
  );
}
