/* api/proposal: the routes of lianxin-proposal's data: drafts and every
 * transition of a proposal (forwarded as commands; the machine in the
 * service decides who may do what), the list and one proposal with its
 * timeline (SQL building the JSON), and the exports: proposals.csv and the
 * units' rates per year (JSON and units/rates.csv), UTF-8 with BOM and
 * Chinese headers as log.csv. Every value is a parameter. */
#ifndef GW_API_PROPOSAL_H
#define GW_API_PROPOSAL_H

#include "gw.h"

extern const gw_routes_t api_proposal_routes;

#endif
