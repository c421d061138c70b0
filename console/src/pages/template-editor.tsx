import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { liquid } from '@codemirror/lang-liquid';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';

// CodeMirror is the heaviest code of the templates screen: this module is a chunk of its own.

export interface EditorProblem {
  line?: number;
  reason: string;
}

/** Liquid over HTML highlighting (MJML is HTML-shaped), line numbers, and the server's problems as diagnostics on their lines. */
export default function TemplateEditor(props: { value: string; readOnly: boolean; problems: readonly EditorProblem[]; onChange: (value: string) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;

  useEffect(() => {
    if (host.current === null) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: props.value,
        extensions: [
          lineNumbers(),
          history(),
          highlightActiveLine(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          liquid(),
          syntaxHighlighting(defaultHighlightStyle),
          lintGutter(),
          EditorView.lineWrapping,
          EditorState.readOnly.of(props.readOnly),
          EditorView.editable.of(!props.readOnly),
          EditorView.contentAttributes.of({ 'aria-label': 'Template source' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChange.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The document is replaced below when another template is opened; the editor is rebuilt only when editability changes.
  }, [props.readOnly]);

  useEffect(() => {
    const editor = view.current;
    if (editor === null || editor.state.doc.toString() === props.value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: props.value } });
  }, [props.value]);

  useEffect(() => {
    const editor = view.current;
    if (editor === null) return;
    const doc = editor.state.doc;
    const diagnostics: Diagnostic[] = props.problems.flatMap((problem) => {
      if (problem.line === undefined) return [];
      const line = doc.line(Math.min(Math.max(1, problem.line), doc.lines));
      return [{ from: line.from, to: line.to, severity: 'error', message: problem.reason }];
    });
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [props.problems]);

  return <div ref={host} className="template-editor" data-testid="template-editor" />;
}
