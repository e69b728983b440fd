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
import notifications from './notifications.js';
import announcements from './announcements.js';
import contacts from './contacts.js';
import preferences from './preferences.js';
import { proposalsPage, ratesPage, printPage } from './proposals.js';
import supervise, { activityCheckinPage } from './supervise.js';
import { consultPage, consultCheckinPage } from './consult.js';
import { planPage } from './consult-plan.js';
import { myFilePage, filePage, filesPage, groupPage, meetingsPage, meetingPage, checkinPage, filePrintPage, bulletinPrintPage } from './files.js';
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
  consultPage,  // office, admin, leader, member
  planPage,     // office, admin, leader (topics, the annual plan, its print view)
  myFilePage,   // member: their own file
  filePage,     // one member's file (not in the menu): the member's own, or any for office, leader, admin
  filesPage,    // office, leader, admin
  meetingsPage, // office, admin, leader, member
  meetingPage,  // reached from a meeting (not in the menu)
  groupPage,    // a liaison group's six at least (not in the menu)
  checkinPage,  // member, opened by the venue's QR code (not in the menu)
  activityCheckinPage, // member, opened by a supervision activity's QR code (not in the menu)
  consultCheckinPage, // member, opened by a consultation's QR code (not in the menu)
  filePrintPage, // 一人一档 print view (not in the menu)
  bulletinPrintPage, // a published snapshot's print view (not in the menu)
  inbox,        // everybody
  notifications, // office, admin
  announcements, // office, admin
  contacts,     // office, admin: recipients' e-mail and phone
  preferences,  // everybody with an inbox address
  users,        // office, admin
  system,       // admin
  account,      // everybody (the only page while a password has expired)
];
