/* payloads: the event payload messages a notify rule may name, in one list
 * for the service and its tests. A rule for a new payload message adds one
 * line to payloads.c; a rule for a new event of a listed message is data. */
#ifndef NOTIFY_PAYLOADS_H
#define NOTIFY_PAYLOADS_H

#include <stddef.h>
#include <protobuf-c/protobuf-c.h>

extern const ProtobufCMessageDescriptor *const notify_payloads[];
extern const size_t notify_npayloads;

#endif
