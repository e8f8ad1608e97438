import type { Migrations } from '@yiwang/platform';
import { sql } from 'kysely';

export const identityMigrations: Migrations = {
  '0010_identity_accounts': {
    async up(db) {
      await sql`
        create table accounts (
          id text primary key,
          type text not null check (type in ('person', 'enterprise', 'staff')),
          username text not null unique,
          name text not null,
          id_number_enc text,
          id_number_hash text unique,
          phone_enc text,
          credit_code text unique,
          real_name_level int not null default 1,
          password_hash text not null,
          password_changed_at timestamptz not null default now(),
          failed_logins int not null default 0,
          locked_until timestamptz,
          totp_secret_enc text,
          totp_enabled boolean not null default false,
          totp_last_step bigint,
          status text not null default 'active',
          created_at timestamptz not null default now()
        );
        create table enterprise_agents (
          id text primary key,
          enterprise_id text not null references accounts(id),
          name text not null,
          id_number_enc text not null,
          id_number_hash text not null,
          phone_enc text not null,
          created_at timestamptz not null default now(),
          unique (enterprise_id, id_number_hash)
        );
        create table sessions (
          id text primary key,
          token_hash text not null unique,
          account_id text not null references accounts(id),
          csrf_token text not null,
          mfa boolean not null default false,
          created_at timestamptz not null default now(),
          last_seen_at timestamptz not null default now(),
          expires_at timestamptz not null,
          revoked_at timestamptz,
          user_agent text
        );
        create index sessions_account on sessions (account_id);
        create table oidc_clients (
          client_id text primary key,
          name text not null,
          secret_enc text not null,
          redirect_uris jsonb not null,
          post_logout_redirect_uris jsonb not null default '[]',
          allow_id_number boolean not null default false,
          created_by text,
          created_at timestamptz not null default now()
        );
        create table oidc_payloads (
          id text not null,
          model text not null,
          payload jsonb not null,
          grant_id text,
          user_code text,
          uid text,
          consumed_at timestamptz,
          expires_at timestamptz,
          primary key (model, id)
        );
        create index oidc_payloads_grant on oidc_payloads (grant_id);
        create index oidc_payloads_uid on oidc_payloads (uid);
      `.execute(db);
    },
  },
};
