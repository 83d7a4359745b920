/* SPDX-License-Identifier: Apache-2.0 */
/* Umbrella header: the whole public API of libnetsweep. */
#ifndef NETSWEEP_H
#define NETSWEEP_H

#include "netsweep/common.h"
#include "netsweep/image.h"
#include "netsweep/import.h"
#include "netsweep/ingest.h"
#include "netsweep/list.h"
#include "netsweep/pdq.h"

#endif
