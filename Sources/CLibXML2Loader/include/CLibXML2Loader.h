#ifndef PANEL_CLIBXML2_LOADER_H
#define PANEL_CLIBXML2_LOADER_H
// Nothing to declare: this target defines the libxml2 functions that CLibXML2's headers
// declare (see loader.c), and `panel_xml_free`, declared in CLibXML2's shim.h.
#endif
