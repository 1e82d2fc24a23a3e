// The site's graph in the browser, queried as spinekg queries it (an ES module, loaded over HTTP only).
//
// Oxigraph's WebAssembly build holds data/spinekg.nq; data/queries.json gives the prepared
// queries as spinekg ships them. A parameter value is resolved as `spinekg query` resolves it
// (an IRI, a CURIE of the shipped context, or an exact label or synonym in any case, looked up
// with spinekg's own lookup query) and bound as an RDF term: a VALUES block written from the
// term's own N-Triples form (Oxigraph's toString), at the start of the main group, as
// spinekg.queries.bind_values does for a remote endpoint. Nothing typed becomes SPARQL text.
import init, * as ox from "./vendor/oxigraph/web.js";

const SPARQL_JSON = "application/sparql-results+json";
const N_TRIPLES = "application/n-triples";
const MAX_VALUE_LENGTH = 2000; // spinekg.params.MAX_VALUE_LENGTH
// spinekg.namespaces: an absolute IRI spinekg accepts, and a CURIE.
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|^`\\\x00-\x1f\x7f]+$/u;
const CURIE = /^([A-Za-z_][\p{L}\p{N}_.-]*):([^\s/]\S*)?$/u;
// spinekg.queries.keywords: bare words outside IRIs, strings and comments.
const TOKEN = /<[^<>"{}|^`\\\x00-\x20]*>|"""(?:[^"\\]|\\.|"(?!""))*"""|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*|(?<![\p{L}\p{N}_:?$])([A-Za-z]+)(?![\p{L}\p{N}_:])/gsu;

export class QueryError extends Error {}

function isIri(value) {
  return IRI.test(value) && (value.includes("://") || value.startsWith("urn:"));
}

/** The SPARQL keywords of a query text, upper case. */
export function keywords(text) {
  const words = new Set();
  for (const match of text.matchAll(TOKEN)) {
    if (match[1]) { words.add(match[1].toUpperCase()); }
  }
  return words;
}

/** The text with a one-row VALUES block first in its main group (bindings: [[name, term], ...]). */
export function bindValues(text, start, bindings) {
  if (!bindings.length) { return text; }
  const names = bindings.map(([name]) => "?" + name).join(" ");
  const terms = bindings.map(([, term]) => term.toString()).join(" ");
  return text.slice(0, start) + "\n  VALUES (" + names + ") { (" + terms + ") }" + text.slice(start);
}

/** A SPARQL results JSON term as an Oxigraph term. */
export function termOf(binding) {
  if (binding.type === "uri") { return ox.namedNode(binding.value); }
  if (binding.type === "bnode") { return ox.blankNode(binding.value); }
  if (binding["xml:lang"]) { return ox.literal(binding.value, binding["xml:lang"]); }
  return ox.literal(binding.value, binding.datatype ? ox.namedNode(binding.datatype) : undefined);
}

class Graph {
  constructor(store, catalogue, root) {
    this.store = store;
    this.catalogue = catalogue;
    this.root = root;
    this.namespaces = Object.entries(catalogue.prefixes).sort((a, b) => b[1].length - a[1].length);
  }

  /** Run any query as spinekg does: the union of the named graphs is the default graph unless it says FROM. */
  query(text, format) {
    const words = keywords(text);
    if (words.has("SERVICE")) {
      throw new QueryError("the query uses SERVICE, which reaches other servers over the network; this page never does");
    }
    try {
      return this.store.query(text, { use_default_graph_as_union: !words.has("FROM"), results_format: format });
    } catch (err) {
      throw new QueryError(String(err && err.message ? err.message : err));
    }
  }

  /** The answer in a format YASR reads: SPARQL results JSON, or N-Triples for CONSTRUCT and DESCRIBE. */
  respond(text, queryType) {
    const format = queryType === "CONSTRUCT" || queryType === "DESCRIBE" ? N_TRIPLES : SPARQL_JSON;
    return { content: this.query(text, format), contentType: format };
  }

  /** Rows of a SELECT query: {variables, rows} with Oxigraph terms (null when unbound). */
  select(text) {
    const answer = JSON.parse(this.query(text, SPARQL_JSON));
    if (!answer.head || !answer.results) { throw new QueryError("expected a SELECT query"); }
    const variables = answer.head.vars;
    const rows = answer.results.bindings.map((b) => variables.map((v) => (b[v] ? termOf(b[v]) : null)));
    return { variables, rows };
  }

  /** The entities labelled `text` (any case): {iri: isClass}, from spinekg's own lookup query. */
  lookup(text) {
    const lookup = this.catalogue.lookup;
    const found = {};
    for (const [, entity, isClass] of this.select(bindValues(lookup.text, lookup.start, [["text", ox.literal(text)]])).rows) {
      if (entity) { found[entity.value] = Boolean(isClass && isClass.value === "true"); }
    }
    return found;
  }

  /** The RDF term for one parameter value, as spinekg.params.resolve makes it. */
  resolve(value, param) {
    const name = "parameter '" + param.name + "'";
    if (value.length > MAX_VALUE_LENGTH) { throw new QueryError(name + ": value longer than " + MAX_VALUE_LENGTH + " characters"); }
    if (!value.trim()) { throw new QueryError(name + ": value is empty"); }
    if (param.type === "string") { return ox.literal(value); }
    const text = value.trim();
    const iri = this.explicitIri(text, name);
    if (iri !== null) {
      if (!this.store.match(ox.namedNode(iri), null, null, null).length) { throw new QueryError(name + ": the graph has nothing about <" + iri + ">"); }
      return ox.namedNode(iri);
    }
    return ox.namedNode(this.byLabel(text, param, name));
  }

  explicitIri(text, name) {
    const bracketed = text.startsWith("<") && text.endsWith(">");
    const candidate = bracketed ? text.slice(1, -1) : text;
    if (isIri(candidate)) { return candidate; }
    if (bracketed) { throw new QueryError(name + ": '" + text + "' is not a valid absolute IRI"); }
    const curie = CURIE.exec(candidate);
    const namespace = curie ? this.catalogue.prefixes[curie[1]] : undefined;
    if (namespace === undefined) { return null; }
    const iri = namespace + (curie[2] || "");
    if (!isIri(iri)) { throw new QueryError(name + ": '" + text + "' does not expand to a valid IRI"); }
    return iri;
  }

  byLabel(text, param, name) {
    const found = this.lookup(text);
    let iris = Object.keys(found);
    if (iris.length > 1) {
      const preferred = iris.filter((iri) => found[iri] === (param.kind === "class"));
      iris = preferred.length ? preferred : iris;
    }
    if (!iris.length) { throw new QueryError(name + ": no entity is labelled '" + text + "' (the search page finds labels and synonyms)"); }
    if (iris.length > 1) {
      const described = iris.sort().map((iri) => this.label(iri) + " <" + iri + ">").join("; ");
      throw new QueryError(name + ": '" + text + "' names several entities; give an IRI: " + described);
    }
    return iris[0];
  }

  /** Run a prepared query with user values ({name: text}; empty ones left unbound). */
  prepared(name, values) {
    const query = this.catalogue.queries[name];
    if (!query) { throw new QueryError("no prepared query named '" + name + "'"); }
    const bindings = [];
    for (const param of query.params) {
      const value = values[param.name] || "";
      if (value === "" && param.optional) { continue; }
      if (value === "") { throw new QueryError("query '" + name + "' needs parameter(s): " + param.name); }
      bindings.push([param.name, this.resolve(value, param)]);
    }
    return this.select(bindValues(query.text, query.start, bindings));
  }

  /** The label of an IRI (its CURIE, or the IRI, when the site has no entity for it). */
  label(iri) {
    const entity = this.catalogue.entities[iri];
    if (entity) { return entity[0]; }
    const hit = this.namespaces.find(([, ns]) => iri.startsWith(ns) && iri.length > ns.length);
    return hit ? hit[0] + ":" + iri.slice(hit[1].length) : iri;
  }

  /** The absolute URL of an IRI's page on this site, or null. */
  href(iri) {
    const entity = this.catalogue.entities[iri];
    return entity && entity[1] ? new URL(entity[1], this.root).href : null;
  }
}

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) { throw new Error(url + ": " + response.status + " " + response.statusText); }
  return response;
}

/** Load the site's data into an Oxigraph store in the browser. */
export async function openGraph() {
  const root = new URL("../", import.meta.url);
  await init();
  const [data, catalogue] = await Promise.all([
    fetchOk(new URL("data/spinekg.nq", root)).then((r) => r.text()),
    fetchOk(new URL("data/queries.json", root)).then((r) => r.json()),
  ]);
  const store = new ox.Store();
  store.load(data, { format: "application/n-quads" });
  return new Graph(store, catalogue, root);
}
