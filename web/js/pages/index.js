/* The console's pages, in menu order. A page is
 *   {id, title, roles: [...], render(root, ctx, arg)}
 * exported by its area's module; `nav: false` keeps a page out of the menu
 * (reached by a link). A new service adds its module here with
 * one import and its pages in the list; nothing else changes. */

import today from './today.js';
import rota from './rota.js';
import duties from './duties.js';
import { recordPage, logPage } from './visits.js';
import issues from './issues.js';
import reports from './reports.js';
import stats from './stats.js';
import calendar from './calendar.js';
import inbox from './inbox.js';
import { proposalsPage, ratesPage, printPage } from './proposals.js';
import supervise from './supervise.js';
import users from './users.js';
import system from './system.js';
import account from './account.js';

export const PAGES = [
  today,        // office, admin
  duties,       // member
  recordPage,   // member, office, admin
  logPage,      // member, office, admin, leader
  rota,         // office, admin, unit (read)
  issues,       // office, admin, leader, member, unit
  reports,      // office, admin, leader, member
  stats,        // office, admin, leader
  calendar,     // office, admin
  proposalsPage, // member, unit, office, leader, admin
  ratesPage,    // office, leader, admin
  printPage,    // as proposals, reached from a proposal (not in the menu)
  supervise,    // office, leader, admin, unit (its own)
  inbox,        // everybody
  users,        // office, admin
  system,       // admin
  account,      // everybody (the only page while a password has expired)
];
