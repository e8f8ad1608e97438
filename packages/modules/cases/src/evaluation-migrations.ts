import type { Migrations } from '@yiwang/platform';
import { sql } from 'kysely';

/** Tables of the evaluation (好差评) loop: ratings of cases and the rectification of bad ones. */
export const evaluationMigrations: Migrations = {
  '0035_cases_evaluation': {
    async up(db) {
      await sql`
        create table case_ratings (
          id text primary key,
          case_id text not null unique references cases (id),
          rater_account_id text not null,
          real_name boolean not null default true,
          department_id text not null,
          region_code text not null,
          task_code text not null,
          level int not null check (level between 1 and 5),
          indicators jsonb not null,
          comment text,
          channel text not null default 'online',
          excluded boolean not null default false,
          created_at timestamptz not null default now()
        );
        create index case_ratings_department on case_ratings (department_id, created_at);
        create index case_ratings_region on case_ratings (region_code, created_at);
        create table rectifications (
          id text primary key,
          rating_id text not null unique references case_ratings (id),
          case_id text not null references cases (id),
          department_id text not null,
          region_code text not null,
          state text not null check (state in
            ('OPEN', 'VERIFIED', 'APPEALED', 'RECTIFIED', 'FEEDBACK', 'CLOSED', 'CLOSED_APPEAL')),
          round int not null default 1,
          due_day text not null,
          overdue boolean not null default false,
          overdue_at timestamptz,
          verified_by text,
          appeal jsonb,
          measures jsonb,
          feedback jsonb,
          return_visits jsonb not null default '[]',
          version int not null default 1,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          closed_at timestamptz
        );
        create index rectifications_department on rectifications (department_id, state, due_day);
        create index rectifications_region on rectifications (region_code, state, due_day);
        create table rectification_events (
          id bigserial primary key,
          rectification_id text not null references rectifications (id),
          seq int not null,
          from_state text,
          to_state text not null,
          action text not null,
          actor_id text,
          actor_name text,
          note text,
          detail jsonb,
          at timestamptz not null default now(),
          unique (rectification_id, seq)
        );
      `.execute(db);
    },
  },
};
