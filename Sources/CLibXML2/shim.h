#ifndef PANEL_CLIBXML2_SHIM_H
#define PANEL_CLIBXML2_SHIM_H

// Debian's libxml2 is built with ICU; its headers would pull ICU's UErrorCode
// into this module and clash with Foundation's copy. Nothing here needs ICU.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/entities.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/c14n.h>
#include <libxml/uri.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlsave.h>
#include <libxml/globals.h>

// xmlFree is a global function pointer variable, which Swift 6 rejects as
// shared mutable state; call it through here (defined in CLibXML2Loader, which
// opens libxml2 on first use). A null pointer is passed over.
void panel_xml_free(void *pointer);

// libxml2's generic error channel is variadic (Swift cannot define one) and
// prints to stderr even under XML_PARSE_NOERROR. This one drops everything.
static inline void panel_xml_generic_error_sink(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

// The generic error function is per thread: call this on every thread that parses.
static inline void panel_xml_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, panel_xml_generic_error_sink);
}

// Deny-all loader: no file, no URL, no DTD is ever opened by the parser.
// XML_PARSE_NONET alone does not stop file:// or plain paths.
static inline xmlParserInputPtr panel_xml_deny_entity_loader(const char *url, const char *publicID, xmlParserCtxtPtr context) {
    (void)url;
    (void)publicID;
    (void)context;
    return NULL;
}

static inline void panel_xml_install_deny_loader(void) {
    xmlSetExternalEntityLoader(panel_xml_deny_entity_loader);
}

#endif
