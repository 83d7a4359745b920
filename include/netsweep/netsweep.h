/* SPDX-License-Identifier: Apache-2.0 */
/* Umbrella header: the whole public API of libnetsweep. */
#ifndef NETSWEEP_H
#define NETSWEEP_H

#include "netsweep/attrib.h"
#include "netsweep/auth.h"
#include "netsweep/case.h"
#include "netsweep/chat.h"
#include "netsweep/common.h"
#include "netsweep/demo.h"
#include "netsweep/demo_run.h"
#include "netsweep/digest.h"
#include "netsweep/geoip.h"
#include "netsweep/hasher.h"
#include "netsweep/image.h"
#include "netsweep/import.h"
#include "netsweep/limits.h"
#include "netsweep/ingest.h"
#include "netsweep/links.h"
#include "netsweep/list.h"
#include "netsweep/match.h"
#include "netsweep/merge.h"
#include "netsweep/network.h"
#include "netsweep/analyze.h"
#include "netsweep/package.h"
#include "netsweep/nswl.h"
#include "netsweep/pdq.h"
#include "netsweep/refer.h"
#include "netsweep/scan.h"
#include "netsweep/sign.h"
#include "netsweep/synth.h"
#include "netsweep/phone.h"
#include "netsweep/walk.h"

#endif
