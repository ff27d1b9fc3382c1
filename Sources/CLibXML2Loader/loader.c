// libxml2, opened on first use.
//
// Every command used to load libxml2 at start-up, and with it ICU (30 MB of data mapped),
// liblzma and their relocations: half a millisecond of every `panel` run, though most
// commands read no XML. Nothing here links libxml2. Each libxml2 function PanelXML calls is
// defined below, under its own name and with its header's prototype (the compiler checks
// each against the header), and forwards to the library's, which is opened the first time
// any of them is called. The definitions are hidden: nothing outside this executable, and not
// libxml2 itself, can bind to them.
//
// Adding a libxml2 call to PanelXML means adding its line below; the link fails until then.

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#pragma GCC visibility push(hidden)
#include "../CLibXML2/shim.h"

#if defined(__APPLE__)
#define PANEL_LIBXML2_NAME "libxml2.2.dylib"
#else
#define PANEL_LIBXML2_NAME "libxml2.so.2"
#endif

static void *panel_libxml2;

static void panel_libxml2_open(void) {
    panel_libxml2 = dlopen(PANEL_LIBXML2_NAME, RTLD_NOW | RTLD_LOCAL);
    if (panel_libxml2 == NULL) {
        fprintf(stderr, "panel: cannot load libxml2 (%s), which reading XML needs: %s\n", PANEL_LIBXML2_NAME, dlerror());
        exit(1);
    }
}

/// The library's definition of `name`; a library without it ends the command, saying so.
static void *panel_libxml2_symbol(const char *name) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, panel_libxml2_open);
    void *found = dlsym(panel_libxml2, name);
    if (found == NULL) {
        fprintf(stderr, "panel: the libxml2 found (%s) has no %s: %s\n", PANEL_LIBXML2_NAME, name, dlerror());
        exit(1);
    }
    return found;
}

#define PANEL_XML_POINTER(name, type)                                                      \
    static _Atomic(type) panel_real_##name;                                                \
    static type panel_resolve_##name(void) {                                               \
        type real = atomic_load_explicit(&panel_real_##name, memory_order_acquire);        \
        if (real == NULL) {                                                                \
            real = (type)panel_libxml2_symbol(#name);                                      \
            atomic_store_explicit(&panel_real_##name, real, memory_order_release);         \
        }                                                                                  \
        return real;                                                                       \
    }

#define PANEL_XML(result, name, parameters, arguments)                                     \
    typedef result (*panel_type_##name) parameters;                                        \
    PANEL_XML_POINTER(name, panel_type_##name)                                             \
    result name parameters { return panel_resolve_##name() arguments; }

#define PANEL_XML_VOID(name, parameters, arguments)                                        \
    typedef void (*panel_type_##name) parameters;                                          \
    PANEL_XML_POINTER(name, panel_type_##name)                                             \
    void name parameters { panel_resolve_##name() arguments; }

PANEL_XML(xmlBufferPtr, xmlBufferCreate, (void), ())
PANEL_XML_VOID(xmlBufferFree, (xmlBufferPtr buf), (buf))
PANEL_XML(long, xmlByteConsumed, (xmlParserCtxtPtr ctxt), (ctxt))
PANEL_XML(int, xmlC14NDocSaveTo, (xmlDocPtr doc, xmlNodeSetPtr nodes, int mode, xmlChar **inclusive_ns_prefixes, int with_comments, xmlOutputBufferPtr buf), (doc, nodes, mode, inclusive_ns_prefixes, with_comments, buf))
PANEL_XML(xmlParserCtxtPtr, xmlCreatePushParserCtxt, (xmlSAXHandlerPtr sax, void *user_data, const char *chunk, int size, const char *filename), (sax, user_data, chunk, size, filename))
PANEL_XML(int, xmlCtxtUseOptions, (xmlParserCtxtPtr ctxt, int options), (ctxt, options))
PANEL_XML(xmlNodePtr, xmlDocCopyNode, (xmlNodePtr node, xmlDocPtr doc, int recursive), (node, doc, recursive))
PANEL_XML_VOID(xmlDocDumpMemoryEnc, (xmlDocPtr out_doc, xmlChar **doc_txt_ptr, int *doc_txt_len, const char *txt_encoding), (out_doc, doc_txt_ptr, doc_txt_len, txt_encoding))
PANEL_XML(xmlNodePtr, xmlDocGetRootElement, (const xmlDoc *doc), (doc))
PANEL_XML(xmlNodePtr, xmlDocSetRootElement, (xmlDocPtr doc, xmlNodePtr root), (doc, root))
PANEL_XML_VOID(xmlFreeDoc, (xmlDocPtr cur), (cur))
PANEL_XML_VOID(xmlFreeNode, (xmlNodePtr cur), (cur))
PANEL_XML_VOID(xmlFreeParserCtxt, (xmlParserCtxtPtr ctxt), (ctxt))
PANEL_XML_VOID(xmlFreeTextWriter, (xmlTextWriterPtr writer), (writer))
PANEL_XML_VOID(xmlFreeURI, (xmlURIPtr uri), (uri))
PANEL_XML(long, xmlGetLineNo, (const xmlNode *node), (node))
PANEL_XML(xmlChar *, xmlGetNoNsProp, (const xmlNode *node, const xmlChar *name), (node, name))
PANEL_XML(xmlChar *, xmlGetNsProp, (const xmlNode *node, const xmlChar *name, const xmlChar *nameSpace), (node, name, nameSpace))
PANEL_XML_VOID(xmlInitParser, (void), ())
PANEL_XML(xmlDocPtr, xmlNewDoc, (const xmlChar *version), (version))
PANEL_XML(xmlNodePtr, xmlNewDocNode, (xmlDocPtr doc, xmlNsPtr ns, const xmlChar *name, const xmlChar *content), (doc, ns, name, content))
PANEL_XML(xmlTextWriterPtr, xmlNewTextWriterMemory, (xmlBufferPtr buf, int compression), (buf, compression))
PANEL_XML(int, xmlOutputBufferClose, (xmlOutputBufferPtr out), (out))
PANEL_XML(xmlOutputBufferPtr, xmlOutputBufferCreateIO, (xmlOutputWriteCallback iowrite, xmlOutputCloseCallback ioclose, void *ioctx, xmlCharEncodingHandlerPtr encoder), (iowrite, ioclose, ioctx, encoder))
PANEL_XML(int, xmlParseChunk, (xmlParserCtxtPtr ctxt, const char *chunk, int size, int terminate), (ctxt, chunk, size, terminate))
PANEL_XML(xmlURIPtr, xmlParseURI, (const char *str), (str))
PANEL_XML_VOID(xmlSAX2EndElementNs, (void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *URI), (ctx, localname, prefix, URI))
PANEL_XML(int, xmlSAX2GetColumnNumber, (void *ctx), (ctx))
PANEL_XML(xmlEntityPtr, xmlSAX2GetEntity, (void *ctx, const xmlChar *name), (ctx, name))
PANEL_XML(int, xmlSAX2GetLineNumber, (void *ctx), (ctx))
PANEL_XML_VOID(xmlSAX2InternalSubset, (void *ctx, const xmlChar *name, const xmlChar *ExternalID, const xmlChar *SystemID), (ctx, name, ExternalID, SystemID))
PANEL_XML_VOID(xmlSAX2StartElementNs, (void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *URI, int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted, const xmlChar **attributes), (ctx, localname, prefix, URI, nb_namespaces, namespaces, nb_attributes, nb_defaulted, attributes))
PANEL_XML_VOID(xmlSetExternalEntityLoader, (xmlExternalEntityLoader f), (f))
PANEL_XML_VOID(xmlSetGenericErrorFunc, (void *ctx, xmlGenericErrorFunc handler), (ctx, handler))
PANEL_XML_VOID(xmlSetStructuredErrorFunc, (void *ctx, xmlStructuredErrorFunc handler), (ctx, handler))
PANEL_XML_VOID(xmlStopParser, (xmlParserCtxtPtr ctxt), (ctxt))
PANEL_XML(int, xmlStrEqual, (const xmlChar *str1, const xmlChar *str2), (str1, str2))
PANEL_XML(const xmlChar *, xmlStrchr, (const xmlChar *str, xmlChar val), (str, val))
PANEL_XML(int, xmlStrcmp, (const xmlChar *str1, const xmlChar *str2), (str1, str2))
PANEL_XML(int, xmlStrlen, (const xmlChar *str), (str))
PANEL_XML(int, xmlTextWriterEndDocument, (xmlTextWriterPtr writer), (writer))
PANEL_XML(int, xmlTextWriterEndElement, (xmlTextWriterPtr writer), (writer))
PANEL_XML(int, xmlTextWriterFlush, (xmlTextWriterPtr writer), (writer))
PANEL_XML(int, xmlTextWriterSetIndent, (xmlTextWriterPtr writer, int indent), (writer, indent))
PANEL_XML(int, xmlTextWriterSetIndentString, (xmlTextWriterPtr writer, const xmlChar *str), (writer, str))
PANEL_XML(int, xmlTextWriterStartDocument, (xmlTextWriterPtr writer, const char *version, const char *encoding, const char *standalone), (writer, version, encoding, standalone))
PANEL_XML(int, xmlTextWriterStartElement, (xmlTextWriterPtr writer, const xmlChar *name), (writer, name))
PANEL_XML(int, xmlTextWriterStartElementNS, (xmlTextWriterPtr writer, const xmlChar *prefix, const xmlChar *name, const xmlChar *namespaceURI), (writer, prefix, name, namespaceURI))
PANEL_XML(int, xmlTextWriterWriteAttribute, (xmlTextWriterPtr writer, const xmlChar *name, const xmlChar *content), (writer, name, content))
PANEL_XML(int, xmlTextWriterWriteString, (xmlTextWriterPtr writer, const xmlChar *content), (writer, content))
PANEL_XML_VOID(xmlUnlinkNode, (xmlNodePtr cur), (cur))
PANEL_XML(xmlChar *, xmlXPathCastNodeToString, (xmlNodePtr node), (node))
PANEL_XML(xmlXPathObjectPtr, xmlXPathCompiledEval, (xmlXPathCompExprPtr comp, xmlXPathContextPtr ctx), (comp, ctx))
PANEL_XML(xmlXPathCompExprPtr, xmlXPathCtxtCompile, (xmlXPathContextPtr ctxt, const xmlChar *str), (ctxt, str))
PANEL_XML_VOID(xmlXPathFreeCompExpr, (xmlXPathCompExprPtr comp), (comp))
PANEL_XML_VOID(xmlXPathFreeContext, (xmlXPathContextPtr ctxt), (ctxt))
PANEL_XML_VOID(xmlXPathFreeObject, (xmlXPathObjectPtr obj), (obj))
PANEL_XML(xmlXPathContextPtr, xmlXPathNewContext, (xmlDocPtr doc), (doc))
PANEL_XML(int, xmlXPathRegisterNs, (xmlXPathContextPtr ctxt, const xmlChar *prefix, const xmlChar *ns_uri), (ctxt, prefix, ns_uri))

// xmlFree is a variable of libxml2's (the function it frees with), not a function.
void panel_xml_free(void *pointer) {
    static _Atomic(xmlFreeFunc *) variable;
    xmlFreeFunc *found = atomic_load_explicit(&variable, memory_order_acquire);
    if (found == NULL) {
        found = (xmlFreeFunc *)panel_libxml2_symbol("xmlFree");
        atomic_store_explicit(&variable, found, memory_order_release);
    }
    if (pointer != NULL) {
        (*found)(pointer);
    }
}

#pragma GCC visibility pop
